"""@job functions the tests run (importable by name, as the worker needs)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django_tasks_db.management.commands.db_worker import Worker

from liveview.batteries.jobs import ProgressReporter, job
from liveview.models import Job


def db_worker() -> Worker:
    """django-tasks' database worker, taking every queued task at once, in this process."""
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


#: What the jobs below did, in order: a job that never ran leaves nothing here.
CALLS: list[str] = []


@job
def add(progress: ProgressReporter, a: int, b: int) -> int:
    CALLS.append("add")
    progress(0.5, "adding")
    return a + b


@job
def report_half(progress: ProgressReporter) -> dict[str, Any]:
    """Returns what the database held right after progress(0.5, 'half')."""
    progress(0.5, "half")
    row = Job.objects.get(name=report_half.name)
    return {"status": row.status, "fraction": row.fraction, "message": row.message}


@job
def explode(progress: ProgressReporter) -> None:
    progress(0.1, "about to fail")
    raise RuntimeError("the model did not converge")


@job
def cancelled_midway(progress: ProgressReporter) -> None:
    """Cancels itself (as another page would) between two progress calls."""
    progress(0.1, "first")
    Job.objects.get(name=cancelled_midway.name).cancel()
    CALLS.append("cancel requested")
    progress(0.2, "second")
    CALLS.append("went on after the cancel")


@job
def flood(progress: ProgressReporter, seconds: float) -> int:
    """Reports progress as fast as it can for `seconds`, then a final message."""
    calls = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        calls += 1
        progress(min(calls / 1e6, 0.99), f"call {calls}")
    progress(1.0, "last word")
    return calls


@job
def not_json(progress: ProgressReporter) -> object:
    return object()


def read_uncommitted(connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """For a worker thread next to the server on the test database (shared-cache in-memory
    SQLite, where a reader locks whole tables against writers): reads never lock."""
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA read_uncommitted = 1")


@contextmanager
def worker_thread_database() -> Iterator[None]:
    """read_uncommitted on every connection made meanwhile, and on Django's sync thread's."""
    from asgiref.sync import SyncToAsync
    from django.db import connection

    connection_created.connect(read_uncommitted, dispatch_uid="tests-read-uncommitted")
    SyncToAsync.single_thread_executor.submit(lambda: read_uncommitted(connection)).result(30)
    try:
        yield
    finally:
        connection_created.disconnect(dispatch_uid="tests-read-uncommitted")


@job
def interrupted(progress: ProgressReporter, kind: str) -> None:
    """Stopped mid-run as a signal stops the worker: django-tasks' sys.exit(1), or Ctrl-C."""
    progress(0.3, "working")
    raise SystemExit(1) if kind == "exit" else KeyboardInterrupt
