"""The jobs queue on PostgreSQL with two `manage.py db_worker` processes claiming tasks: each
task runs exactly once, and a worker SIGKILLed in the middle of a task leaves that task to no
one else (it is not run twice; its Job stays "running" until cancelled as abandoned, or until
`interrupt_claimed_by` marks it)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.process_output import Output
from tests.scale.recipe import ROOT

pytestmark = pytest.mark.slow

MANAGE = [sys.executable, str(ROOT / "manage.py")]
WAIT = 120.0  # seconds: the most any state below may take to be reached on a busy machine
#: A NOTIFY on channel liveview_job for every write to a Job row (the test's own trigger).
NOTIFY_JOB_CHANGES = """
CREATE FUNCTION notify_job_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('liveview_job', NEW.id::text);
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER notify_job_change AFTER INSERT OR UPDATE ON liveview_job
    FOR EACH ROW EXECUTE FUNCTION notify_job_change();
"""


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*MANAGE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=WAIT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def start_jobs(env: dict[str, str], notes: Path, gate: int | None, *labels: str) -> None:
    script = (
        "from tests.postgres.jobs import noted\n"
        f"for label in {list(labels)!r}:\n"
        f"    noted.start(path={str(notes)!r}, label=label, gate={gate!r})\n"
    )
    manage(env, "shell", "-c", script)


@dataclass
class Worker:
    worker_id: str
    process: subprocess.Popen[str]
    output: Output


def dsn(env: dict[str, str]) -> str:
    return (
        f"host={env['LIVEVIEW_POSTGRES_HOST']} port={env['LIVEVIEW_POSTGRES_PORT']}"
        f" user=postgres dbname={env['LIVEVIEW_POSTGRES_DB']}"
    )


def query(env: dict[str, str], sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn(env)) as connection:
        return connection.execute(sql, params).fetchall()


class JobChanges:
    """Every write to liveview_job, as PostgreSQL tells it (a trigger's NOTIFY to a LISTEN).

    `until(what, reached)` checks `reached()` again after each change the workers make, so it
    waits on their writes, not on a clock; WAIT bounds it and fails the test with their logs.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.connection = psycopg.connect(dsn(env), autocommit=True)
        self.connection.execute("LISTEN liveview_job")

    def until(self, what: str, reached: Callable[[], bool], workers: list[Worker]) -> None:
        deadline = time.monotonic() + WAIT
        while not reached():
            left = deadline - time.monotonic()
            if left <= 0:
                logs = "\n".join(f"--- {w.worker_id}\n{w.output.seen()[-3000:]}" for w in workers)
                raise AssertionError(f"not reached in {WAIT:.0f} s: {what}\n{logs}")
            for _ in self.connection.notifies(timeout=left, stop_after=1):
                pass

    def close(self) -> None:
        self.connection.close()


def jobs_by_label(env: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """label -> (the Job's status, the worker ids that claimed its task)."""
    rows = query(
        env,
        "SELECT j.kwargs->>'label', j.status, t.worker_ids FROM liveview_job j"
        " JOIN django_tasks_database_dbtaskresult t ON t.id::text = j.task_id",
    )
    return {label: (status, list(ids)) for label, status, ids in rows}


class Gate:
    """An advisory lock this test's own session holds: the gated jobs wait until `open()`."""

    def __init__(self, env: dict[str, str]) -> None:
        self.key = secrets.randbits(31)
        self.connection = psycopg.connect(dsn(env), autocommit=True)
        self.connection.execute("SELECT pg_advisory_lock(%s)", [self.key])

    def open(self) -> None:
        if not self.connection.closed:
            self.connection.close()  # the session's locks go with it


@pytest.fixture
def env(database: dict[str, str]) -> dict[str, str]:
    manage(database, "migrate", "--noinput", "-v", "0")
    with psycopg.connect(dsn(database), autocommit=True) as connection:
        connection.execute(NOTIFY_JOB_CHANGES)
    return database


@pytest.fixture
def changes(env: dict[str, str]) -> Iterator[JobChanges]:
    listening = JobChanges(env)
    yield listening
    listening.close()


@pytest.fixture
def gate(env: dict[str, str]) -> Iterator[Gate]:
    """Closed: the gated jobs wait at it (tests/postgres/jobs.py) until `open()`."""
    closed = Gate(env)
    yield closed
    closed.open()


@pytest.fixture
def workers(env: dict[str, str]) -> Iterator[list[Worker]]:
    started = []
    for n in (1, 2):
        process = subprocess.Popen(
            [
                *MANAGE,
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "--worker-id",
                f"worker-{n}",
                "-v",
                "3",
            ],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(Worker(f"worker-{n}", process, Output(process, f"worker-{n}")))
    try:
        for worker in started:
            worker.output.until("Starting worker")  # its next step is the first poll
        yield started
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.kill()
            worker.process.wait()
            if worker.process.stdout is not None:
                worker.process.stdout.close()


@dataclass
class Stage:
    """The database (`env`), its two workers, its job changes, the gate and the notes file."""

    env: dict[str, str]
    workers: list[Worker]
    changes: JobChanges
    gate: Gate
    notes: Path

    def start(self, gated: bool, *labels: str) -> None:
        start_jobs(self.env, self.notes, self.gate.key if gated else None, *labels)

    def until(self, what: str, reached: Callable[[], bool]) -> None:
        self.changes.until(what, reached, self.workers)

    def jobs(self) -> dict[str, tuple[str, list[str]]]:
        return jobs_by_label(self.env)

    def statuses(self) -> list[str]:
        return [status for status, _ in self.jobs().values()]


@pytest.fixture
def stage(
    env: dict[str, str], workers: list[Worker], changes: JobChanges, gate: Gate, tmp_path: Path
) -> Stage:
    return Stage(env, workers, changes, gate, tmp_path / "notes")


def test_two_workers_run_each_task_exactly_once(stage: Stage) -> None:
    labels = [f"job-{n}" for n in range(40)]
    stage.start(True, *labels)
    # A worker runs one task at a time: two running at the gate means each worker holds one.
    stage.until("a job running on each worker", lambda: stage.statuses().count("running") == 2)
    stage.gate.open()
    stage.until("every job done", lambda: stage.statuses().count("done") == len(labels))
    runs = stage.notes.read_text().split()[::2]
    assert sorted(runs) == sorted(labels)  # each ran once: none twice, none skipped
    claims = stage.jobs()
    assert all(len(ids) == 1 for _, ids in claims.values()), claims
    assert {ids[0] for _, ids in claims.values()} == {"worker-1", "worker-2"}  # both claimed


def test_a_worker_killed_mid_task_leaves_that_task_to_no_one_else(stage: Stage) -> None:
    stage.start(True, "long")  # at the gate until the test ends
    stage.until("the long job running", lambda: stage.jobs()["long"][0] == "running")
    (claimed,) = stage.jobs()["long"][1]
    killed = next(w for w in stage.workers if w.worker_id == claimed)
    survivor = next(w for w in stage.workers if w.worker_id != claimed)
    os.kill(killed.process.pid, signal.SIGKILL)
    killed.process.wait()
    stage.start(False, "after")
    stage.until("the next job done", lambda: stage.jobs()["after"][0] == "done")
    claims = stage.jobs()
    assert claims["after"][1] == [survivor.worker_id]
    # The killed worker's task is nobody's now: not run again, its Job still says so.
    assert claims["long"] == ("running", [killed.worker_id])
    assert stage.notes.read_text().split()[::2] == ["long", "after"]
    # What runlive does for its own worker, and an operator can do for any: mark it ended.
    marked = manage(
        stage.env,
        "shell",
        "-c",
        f"from liveview.jobs import interrupt_claimed_by; print(interrupt_claimed_by({claimed!r}))",
    )
    assert marked.split()[-1] == "1"
    assert query(
        stage.env, "SELECT status, message FROM liveview_job WHERE kwargs->>'label' = 'long'"
    ) == [("failed", "Interrupted")]
