"""The jobs queue on PostgreSQL with two `manage.py db_worker` processes claiming tasks: each
task runs exactly once, and a worker SIGKILLed in the middle of a task leaves that task to no
one else (it is not run twice; its Job stays "running" until cancelled as abandoned, or until
`interrupt_claimed_by` marks it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.scale.recipe import ROOT

pytestmark = pytest.mark.slow

MANAGE = [sys.executable, str(ROOT / "manage.py")]
WAIT = 120.0  # seconds: the most any state below may take to be reached on a busy machine


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*MANAGE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=WAIT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def start_jobs(env: dict[str, str], notes: Path, seconds: float, *labels: str) -> None:
    script = (
        "from tests.postgres.jobs import noted\n"
        f"for label in {list(labels)!r}:\n"
        f"    noted.start(path={str(notes)!r}, label=label, seconds={seconds!r})\n"
    )
    manage(env, "shell", "-c", script)


@dataclass
class Worker:
    worker_id: str
    process: subprocess.Popen[bytes]
    log: Path


def query(env: dict[str, str], sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the database the workers write (another process's rows: nothing else to await)."""
    dsn = (
        f"host={env['LIVEVIEW_POSTGRES_HOST']} port={env['LIVEVIEW_POSTGRES_PORT']}"
        f" user=postgres dbname={env['LIVEVIEW_POSTGRES_DB']}"
    )
    with psycopg.connect(dsn) as connection:
        return connection.execute(sql, params).fetchall()


def until(what: str, reached: Any, workers: list[Worker]) -> None:
    deadline = time.monotonic() + WAIT
    while not reached():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.worker_id}\n{w.log.read_text()[-3000:]}" for w in workers)
            raise AssertionError(f"not reached in {WAIT:.0f} s: {what}\n{logs}")
        time.sleep(0.1)


def jobs_by_label(env: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """label -> (the Job's status, the worker ids that claimed its task)."""
    rows = query(
        env,
        "SELECT j.kwargs->>'label', j.status, t.worker_ids FROM liveview_job j"
        " JOIN django_tasks_database_dbtaskresult t ON t.id::text = j.task_id",
    )
    return {label: (status, list(ids)) for label, status, ids in rows}


@pytest.fixture
def env(database: dict[str, str]) -> dict[str, str]:
    manage(database, "migrate", "--noinput", "-v", "0")
    return database


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path) -> Iterator[list[Worker]]:
    started = []
    for n in (1, 2):
        log = tmp_path / f"worker-{n}.log"
        with log.open("wb") as out:
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
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append(Worker(f"worker-{n}", process, log))
    try:
        until(
            "both workers polling",
            lambda: all("Starting worker" in w.log.read_text() for w in started),
            started,
        )
        yield started
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.kill()
            worker.process.wait()


def test_two_workers_run_each_task_exactly_once(
    env: dict[str, str], workers: list[Worker], tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    labels = [f"job-{n}" for n in range(40)]
    start_jobs(env, notes, 0.1, *labels)
    until(
        "every job done",
        lambda: [s for s, _ in jobs_by_label(env).values()].count("done") == len(labels),
        workers,
    )
    runs = notes.read_text().split()[::2]
    assert sorted(runs) == sorted(labels)  # each ran once: none twice, none skipped
    claims = jobs_by_label(env)
    assert all(len(ids) == 1 for _, ids in claims.values()), claims
    assert {ids[0] for _, ids in claims.values()} == {"worker-1", "worker-2"}  # both claimed


def test_a_worker_killed_mid_task_leaves_that_task_to_no_one_else(
    env: dict[str, str], workers: list[Worker], tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    start_jobs(env, notes, 60.0, "long")
    until("the long job running", lambda: jobs_by_label(env)["long"][0] == "running", workers)
    (claimed,) = jobs_by_label(env)["long"][1]
    killed = next(w for w in workers if w.worker_id == claimed)
    survivor = next(w for w in workers if w.worker_id != claimed)
    os.kill(killed.process.pid, signal.SIGKILL)
    killed.process.wait()
    start_jobs(env, notes, 0.0, "after")
    until("the next job done", lambda: jobs_by_label(env)["after"][0] == "done", workers)
    claims = jobs_by_label(env)
    assert claims["after"][1] == [survivor.worker_id]
    # The killed worker's task is nobody's now: not run again, its Job still says so.
    assert claims["long"] == ("running", [killed.worker_id])
    assert notes.read_text().split()[::2] == ["long", "after"]
    # What runlive does for its own worker, and an operator can do for any: mark it ended.
    marked = manage(
        env,
        "shell",
        "-c",
        f"from liveview.jobs import interrupt_claimed_by; print(interrupt_claimed_by({claimed!r}))",
    )
    assert marked.split()[-1] == "1"
    assert query(
        env, "SELECT status, message FROM liveview_job WHERE kwargs->>'label' = 'long'"
    ) == [("failed", "Interrupted")]
