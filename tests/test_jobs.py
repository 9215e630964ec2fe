"""Jobs: run by django-tasks' real database worker, state in the Job row, throttled, cancellable."""

from __future__ import annotations

from datetime import timedelta
from importlib.util import find_spec
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

import liveview.batteries.jobs
from liveview.batteries.jobs import ProgressReporter, function_named, run_job
from liveview.models import Job
from tests import jobs

pytestmark = pytest.mark.django_db(transaction=True)

# The immediate backend of the Tasks API liveview uses: django.tasks' on Django 6, the backport's
# on 5.2 (as liveview.jobs chooses).
IMMEDIATE = (
    "django.tasks" if find_spec("django.tasks") else "django_tasks"
) + ".backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _calls() -> None:
    jobs.CALLS.clear()


def work() -> None:
    """Run django-tasks' database worker until the queue is empty."""
    jobs.db_worker().run()


def test_a_started_job_waits_in_the_queue_for_the_worker() -> None:
    started = jobs.add.start(a=2, b=3)
    assert Job.objects.get(pk=started.pk).status == Job.Status.QUEUED
    assert jobs.CALLS == []


def test_the_worker_runs_the_job_and_stores_its_result() -> None:
    started = jobs.add.start(a=2, b=3)
    work()
    done = Job.objects.get(pk=started.pk)
    assert (done.status, done.result, done.fraction) == (Job.Status.DONE, 5, 1.0)
    assert done.task_id


def test_progress_is_stored_while_the_job_runs() -> None:
    started = jobs.report_half.start()
    work()
    seen = Job.objects.get(pk=started.pk).result
    assert seen == {"status": "running", "fraction": 0.5, "message": "half"}


def test_a_job_that_raises_is_failed_with_its_error(caplog: pytest.LogCaptureFixture) -> None:
    started = jobs.explode.start()
    work()
    failed = Job.objects.get(pk=started.pk)
    assert failed.status == Job.Status.FAILED
    assert failed.error == "RuntimeError: the model did not converge"
    assert "failed" in caplog.text


def test_a_result_that_is_not_json_fails_the_job(caplog: pytest.LogCaptureFixture) -> None:
    started = jobs.not_json.start()
    work()
    assert Job.objects.get(pk=started.pk).status == Job.Status.FAILED


def test_job_arguments_must_be_json() -> None:
    with pytest.raises(TypeError, match="JSON"):
        jobs.add.start(a=object(), b=1)
    assert not Job.objects.exists()


def test_a_queued_job_that_is_cancelled_never_runs() -> None:
    started = jobs.add.start(a=1, b=1)
    assert started.cancel()
    work()
    assert Job.objects.get(pk=started.pk).status == Job.Status.CANCELLED
    assert jobs.CALLS == []


def test_a_running_job_stops_at_its_next_progress_call(settings: Settings) -> None:
    settings.LIVEVIEW_JOB_PROGRESS_INTERVAL = 0
    started = jobs.cancelled_midway.start()
    work()
    assert Job.objects.get(pk=started.pk).status == Job.Status.CANCELLED
    assert jobs.CALLS == ["cancel requested"]


def test_an_ended_job_cannot_be_cancelled() -> None:
    started = jobs.add.start(a=1, b=1)
    work()
    assert not started.cancel()
    assert started.status == Job.Status.DONE


def test_progress_writes_at_most_once_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    # The clock is the test's: 100 calls 1/64 s apart (exact in binary), an interval of 1/4 s.
    now = [0.0]
    monkeypatch.setattr(liveview.batteries.jobs, "time", SimpleNamespace(monotonic=lambda: now[0]))
    row = Job.objects.create(name=jobs.flood.name, status=Job.Status.RUNNING)
    progress = ProgressReporter(row.pk, interval=0.25)
    written_at = []
    with CaptureQueriesContext(connection) as queries:
        for call in range(100):
            now[0] = call / 64
            before = progress.writes
            progress(call / 100, f"call {call}")
            if progress.writes > before:
                written_at.append(call)
    writes = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # The first call writes, then one call in every 16 (1/4 s): 0, 16, ..., 96.
    assert written_at == list(range(0, 100, 16))
    assert len(writes) == len(written_at) == progress.writes
    row.refresh_from_db()
    assert (row.fraction, row.message) == (0.96, "call 96")


def test_the_final_state_arrives_however_fast_the_job_reports(settings: Settings) -> None:
    settings.LIVEVIEW_JOB_PROGRESS_INTERVAL = 60
    started = jobs.flood.start(seconds=0.3)
    work()
    done = Job.objects.get(pk=started.pk)
    assert (done.status, done.fraction, done.message) == (Job.Status.DONE, 1.0, "last word")
    assert isinstance(done.result, int) and done.result > 1000


def test_progress_refuses_a_fraction_that_is_not_a_number() -> None:
    row = Job.objects.create(name=jobs.flood.name, status=Job.Status.RUNNING)
    with pytest.raises(TypeError):
        ProgressReporter(row.pk)("half")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ProgressReporter(row.pk)(float("nan"))


def test_an_unknown_job_name_fails_the_job(caplog: pytest.LogCaptureFixture) -> None:
    row = Job.objects.create(name="tests.jobs.no_such_job")
    run_job.call(job_id=row.pk)
    row.refresh_from_db()
    assert row.status == Job.Status.FAILED
    assert "no @job function is named" in row.error


def test_only_job_functions_are_found_by_name() -> None:
    with pytest.raises(LookupError):
        function_named("os.system")
    assert function_named(jobs.add.name) is jobs.add


@pytest.mark.parametrize(("kind", "raised"), [("exit", SystemExit), ("ctrl-c", KeyboardInterrupt)])
def test_a_job_interrupted_mid_run_ends_failed_and_the_interrupt_goes_on(
    kind: str, raised: type[BaseException]
) -> None:
    started = jobs.interrupted.start(kind=kind)
    with pytest.raises(raised):
        run_job.call(job_id=started.pk)
    ended = Job.objects.get(pk=started.pk)
    assert (ended.status, ended.message) == (Job.Status.FAILED, "Interrupted")


def _silent_for(row: Job, seconds: float) -> None:
    Job.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def test_cancelling_a_running_job_whose_worker_is_gone_ends_it_at_once(
    settings: Settings,
) -> None:
    settings.LIVEVIEW_JOB_ABANDONED_AFTER = 60
    row = Job.objects.create(name=jobs.add.name, status=Job.Status.RUNNING)
    _silent_for(row, 61)
    assert row.cancel()
    assert row.status == Job.Status.CANCELLED and row.finished


def test_cancelling_a_running_job_that_reports_waits_for_its_next_progress_call(
    settings: Settings,
) -> None:
    settings.LIVEVIEW_JOB_ABANDONED_AFTER = 60
    row = Job.objects.create(name=jobs.add.name, status=Job.Status.RUNNING)
    _silent_for(row, 59)
    assert row.cancel()
    assert (row.status, row.cancel_requested) == (Job.Status.RUNNING, True)


def test_start_enqueues_with_the_job_row_on_the_database_backend() -> None:
    with transaction.atomic():
        started = jobs.add.start(a=1, b=2)
        assert DBTaskResult.objects.filter(id=started.task_id).exists()
    assert Job.objects.get(pk=started.pk).task_id == started.task_id


def test_start_on_another_backend_enqueues_only_once_the_transaction_commits(
    settings: Settings,
) -> None:
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    with transaction.atomic():
        started = jobs.add.start(a=1, b=2)
        assert jobs.CALLS == []
    assert jobs.CALLS == ["add"]
    assert Job.objects.get(pk=started.pk).status == Job.Status.DONE


def test_start_on_another_backend_enqueues_nothing_when_the_transaction_rolls_back(
    settings: Settings,
) -> None:
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.add.start(a=1, b=2)
        raise RuntimeError("the view failed after starting the job")
    assert jobs.CALLS == []
    assert not Job.objects.exists()


def test_the_old_name_of_the_progress_callback_still_imports_with_a_warning() -> None:
    from liveview.batteries import jobs

    with pytest.warns(DeprecationWarning, match="ProgressReporter"):
        old = jobs.Progress
    assert old is jobs.ProgressReporter
    with pytest.raises(AttributeError):
        _ = jobs.NoSuchName
