"""A worker told to stop (SIGTERM, SIGINT) interrupts its running job at once: the job ends
failed "Interrupted" and every page sees it; runlive marks what a killed worker left running."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
from django_tasks_db.models import DBTaskResult

from liveview.batteries.jobs import ProgressReporter, interrupt_claimed_by, job
from liveview.models import Job
from tests import jobs

pytestmark = pytest.mark.django_db(transaction=True)


@job
def stopped_halfway(progress: ProgressReporter) -> str:
    progress(0.5, "halfway")
    signal.raise_signal(signal.SIGTERM)  # systemd, Docker, Kubernetes: a deploy
    return "finished anyway"


@pytest.fixture
def signal_handlers() -> Iterator[None]:
    """Put back the test process's own handlers, whatever the worker installed."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_sigterm_ends_the_running_job_interrupted_and_the_worker_takes_no_other(
    signal_handlers: None,
) -> None:
    stopped = stopped_halfway.start()
    waiting = jobs.add.start(a=1, b=2)
    db_worker = jobs.db_worker()
    db_worker.configure_signals()  # what `manage.py db_worker` does
    db_worker.run()
    row = Job.objects.get(pk=stopped.pk)
    assert (row.status, row.message, row.error) == (
        "failed",
        "Interrupted",
        "JobInterrupted: interrupted",
    )
    assert DBTaskResult.objects.get(id=row.task_id).status == "FAILED"
    assert not db_worker.running  # its own shutdown ran too: it stopped after this job
    assert Job.objects.get(pk=waiting.pk).status == "queued"


def test_the_worker_handlers_are_back_once_the_job_is_over(signal_handlers: None) -> None:
    jobs.add.start(a=1, b=2)
    db_worker = jobs.db_worker()
    db_worker.configure_signals()
    db_worker.run()
    assert signal.getsignal(signal.SIGTERM) == db_worker.shutdown
    assert signal.getsignal(signal.SIGINT) == db_worker.shutdown


def test_sigterm_ends_the_job_without_a_database_worker_too(signal_handlers: None) -> None:
    # Any other worker: the default SIGTERM would kill the process; the job is recorded first.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    stopped = stopped_halfway.start()
    jobs.db_worker().run()
    assert Job.objects.get(pk=stopped.pk).message == "Interrupted"


def test_runlive_marks_the_jobs_its_killed_worker_left_running() -> None:
    mine, other = jobs.add.start(a=1, b=2), jobs.add.start(a=3, b=4)
    for started, worker_id in ((mine, "runlive-1"), (other, "elsewhere")):
        DBTaskResult.objects.get(id=started.task_id).claim(worker_id)
        Job.objects.filter(pk=started.pk).update(status=Job.Status.RUNNING)
    assert interrupt_claimed_by("runlive-1") == 1
    row = Job.objects.get(pk=mine.pk)
    assert (row.status, row.message) == ("failed", "Interrupted")
    assert DBTaskResult.objects.get(id=mine.task_id).status == "FAILED"
    assert Job.objects.get(pk=other.pk).status == "running"
    assert DBTaskResult.objects.get(id=other.task_id).status == "RUNNING"
    assert interrupt_claimed_by("runlive-1") == 0


def test_runlive_marks_a_job_its_worker_claimed_but_was_stopped_before_it_began() -> None:
    # The worker claims the task, then a stop lands before run_job writes "running" (runlive's
    # test stops it right on the worker's "state=RUNNING" line): nobody else will run it now.
    claimed, unclaimed = jobs.add.start(a=1, b=2), jobs.add.start(a=3, b=4)
    DBTaskResult.objects.get(id=claimed.task_id).claim("runlive-1")
    assert Job.objects.get(pk=claimed.pk).status == "queued"
    assert interrupt_claimed_by("runlive-1") == 1
    row = Job.objects.get(pk=claimed.pk)
    assert (row.status, row.message) == ("failed", "Interrupted")
    assert DBTaskResult.objects.get(id=claimed.task_id).status == "FAILED"
    assert Job.objects.get(pk=unclaimed.pk).status == "queued"  # still the next worker's
    assert DBTaskResult.objects.get(id=unclaimed.task_id).status == "READY"


def test_runlive_marks_a_queued_job_whose_task_the_stop_already_failed() -> None:
    # Ctrl-C between the claim and run_job's first write: the worker fails the task with the
    # KeyboardInterrupt itself, and the job row is still "queued" (seen in runlive's test).
    claimed = jobs.add.start(a=1, b=2)
    task = DBTaskResult.objects.get(id=claimed.task_id)
    task.claim("runlive-1")
    task.set_failed(KeyboardInterrupt())
    assert Job.objects.get(pk=claimed.pk).status == "queued"
    assert interrupt_claimed_by("runlive-1") == 1
    row = Job.objects.get(pk=claimed.pk)
    assert (row.status, row.message) == ("failed", "Interrupted")
    assert interrupt_claimed_by("runlive-1") == 0
