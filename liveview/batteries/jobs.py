# Jobs: a long function run by a django-tasks worker, its state (status, progress, message,
# result or error) in a `liveview.models.Job` row that every page showing it follows live.
from __future__ import annotations

import json
import logging
import math
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec
from types import FrameType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from django.db import transaction

from liveview.core import conf
from liveview.models import Job
from liveview.models import write_job as _write

logger = logging.getLogger("liveview.jobs")

P = ParamSpec("P")
T = TypeVar("T")

# Django 6 ships the Tasks API as django.tasks; on 5.2 the django-tasks backport provides it.
_tasks: Any = import_module("django.tasks" if find_spec("django.tasks") else "django_tasks")


class JobCancelled(Exception):
    """Raised by `progress()` inside a job that was cancelled: the job stops there."""


class JobInterrupted(SystemExit):
    """Raised inside a running job when its worker is told to stop (SIGTERM, SIGINT)."""


def __getattr__(name: str) -> Any:
    # `Progress` was this callback's name; liveview.progress.Progress is the progress block.
    if name == "Progress":
        warnings.warn(
            "liveview.jobs.Progress is now liveview.jobs.ProgressReporter",
            DeprecationWarning,
            stacklevel=2,
        )
        return ProgressReporter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ProgressReporter:
    """The `progress(fraction, message)` callback a job receives.

    Writes reach the database (and so every page) at most once per
    `LIVEVIEW_JOB_PROGRESS_INTERVAL` seconds; the calls in between only record the latest
    value. Each write also learns whether the job was cancelled, and then raises JobCancelled.
    """

    def __init__(self, job_id: int, interval: float | None = None) -> None:
        self.job_id = job_id
        self.interval = conf.job_progress_interval() if interval is None else interval
        self.fraction = 0.0
        self.message = ""
        #: How many times the job's row was written: never more than the interval allows.
        self.writes = 0
        self._last_write = -math.inf

    def __call__(self, fraction: float, message: str = "") -> None:
        if isinstance(fraction, bool) or not isinstance(fraction, int | float):
            raise TypeError(f"progress fraction must be a number, not {fraction!r}")
        if not math.isfinite(fraction):
            raise ValueError(f"progress fraction must be finite, not {fraction!r}")
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        self.message = str(message)[:500]
        now = time.monotonic()
        if now - self._last_write >= self.interval:
            self._last_write = now
            self.flush()

    def flush(self) -> None:
        """Write the latest fraction and message now; raise JobCancelled if it was cancelled."""
        self.writes += 1
        written = _write(
            self.job_id,
            {"status": Job.Status.RUNNING, "cancel_requested": False},
            fraction=self.fraction,
            message=self.message,
        )
        if not written:
            raise JobCancelled(f"job {self.job_id} was cancelled")


class JobFunction(Generic[P, T]):
    """A function decorated with `@job`: call `.start(**kwargs)` to run it in the worker."""

    def __init__(self, func: Callable[Concatenate[ProgressReporter, P], T]) -> None:
        self.func = func
        self.name = f"{func.__module__}.{func.__qualname__}"
        self.__doc__ = func.__doc__
        _registry[self.name] = self

    def __call__(self, progress: ProgressReporter, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.func(progress, *args, **kwargs)

    def start(self, **kwargs: Any) -> Job:
        """Store a queued Job and enqueue it for the worker once the transaction commits.

        The keyword arguments must be JSON values: they are stored with the job.
        """
        try:
            json.dumps(kwargs)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{self.name}: job arguments must be JSON values ({exc})") from None
        with transaction.atomic():
            created = Job.objects.create(name=self.name, kwargs=kwargs)
            if _queue_shares_the_database():
                # The task row commits (or rolls back) with the Job row: both or none.
                created.task_id = _enqueue(created.pk)
            else:
                # Another queue could hand the job to a worker before the Job row is visible.
                transaction.on_commit(lambda: _enqueue(created.pk))
        return created

    def latest(self) -> Job | None:
        """The most recently started run of this job."""
        return Job.objects.filter(name=self.name).first()


_registry: dict[str, JobFunction[Any, Any]] = {}


def _queue_shares_the_database() -> bool:
    """Whether run_job's backend stores its queue in this database (django-tasks-db)."""
    if find_spec("django_tasks_db") is None:
        return False
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(run_job.get_backend(), DatabaseBackend)


def _enqueue(job_id: int) -> str:
    task_id = str(run_job.enqueue(job_id=job_id).id)[:64]
    Job.objects.filter(pk=job_id).update(task_id=task_id)
    return task_id


def job(func: Callable[Concatenate[ProgressReporter, P], T]) -> JobFunction[P, T]:
    """Make `func(progress, **kwargs)` a job: ``fit.start(n=10)`` runs it in the worker."""
    return JobFunction(func)


def function_named(name: str) -> JobFunction[Any, Any]:
    """The @job function stored under `name`, importing its module if needed."""
    if name not in _registry:
        module = name.rpartition(".")[0]
        while module and name not in _registry:
            try:
                import_module(module)
                break
            except ImportError:
                module = module.rpartition(".")[0]
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"no @job function is named {name!r}") from None


# django.tasks (Django 6) or its backport: untyped here, as the module is chosen at import.
@_tasks.task()  # type: ignore[untyped-decorator]
def run_job(job_id: int) -> None:
    """The django-tasks task the worker runs: one Job, from queued to its end."""
    if not _write(job_id, {"status": Job.Status.QUEUED}, status=Job.Status.RUNNING):
        return  # cancelled while queued (or already run): it never starts
    stored = Job.objects.get(pk=job_id)
    progress = ProgressReporter(job_id)
    try:
        with _stopped_by_signals():
            result = function_named(stored.name).func(progress, **stored.kwargs)
        json.dumps(result)
    except JobCancelled:
        _write(job_id, {}, status=Job.Status.CANCELLED, message="Cancelled")
    except Exception as exc:
        # The full text stays in the row and the log; pages show it only with DEBUG.
        logger.exception("liveview: job %s #%s failed", stored.name, job_id)
        error = f"{type(exc).__name__}: {exc}"
        _write(job_id, {}, status=Job.Status.FAILED, error=error, message="Failed")
    except BaseException as exc:
        # JobInterrupted (the worker told to stop), SystemExit, KeyboardInterrupt: record the
        # end, else the row would say "running" for ever.
        logger.warning("liveview: job %s #%s interrupted (%r)", stored.name, job_id, exc)
        with _signals_held():  # a second SIGTERM (runlive's, after the group's) waits for it
            _interrupted(job_id, f"{type(exc).__name__}: interrupted")
        raise
    else:
        done = {"status": Job.Status.DONE, "fraction": 1.0, "result": result}
        if not _write(job_id, {"cancel_requested": False}, **done, message=progress.message):
            # Cancelled after its last progress call: the result is kept, the job is done.
            _write(job_id, {}, **done, message="Done")


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """While the job runs, SIGTERM or SIGINT interrupt it at once (JobInterrupted).

    django-tasks' worker would let the running job finish first, longer than a deploy waits
    (Docker: 10 s, systemd: 90 s) before SIGKILL leaves the row "running". The worker's own
    handler still runs first, so it takes no further task. Signals reach the main thread only.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}

    def interrupt(signum: int, frame: FrameType | None) -> None:
        before = previous[signum]
        if before == signal.SIG_IGN:
            return
        if callable(before):
            before(signum, frame)  # db_worker: stop after this task (or exit: forced)
        raise JobInterrupted(128 + signum)

    for signum in _STOP_SIGNALS:
        signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for stopping, handler in previous.items():
            signal.signal(stopping, handler)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Deliver SIGTERM and SIGINT only once the block is done (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous: dict[int, Any] = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    for signum in _STOP_SIGNALS:
        signal.signal(signum, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for stopping, handler in previous.items():
            signal.signal(stopping, handler)
        for again in held[:1]:
            signal.raise_signal(again)


def _interrupted(job_id: int, error: str, was: str = Job.Status.RUNNING) -> bool:
    return _write(
        job_id,
        {"status": was},
        status=Job.Status.FAILED,
        error=error,
        message="Interrupted",
    )


def interrupt_claimed_by(worker_id: str) -> int:
    """Mark the jobs a stopped database worker left running as failed "Interrupted".

    For a worker that could not record it itself (killed, or `db_worker --reload`, whose
    outer process SIGKILLs the one running the job). A job still "queued" whose task the
    worker claimed was stopped before it began: no other worker will run it, so it is marked
    too, whether its task is still "RUNNING" or the stop's exception already failed it (the
    worker fails a task on any exception, Ctrl-C's KeyboardInterrupt included, before run_job
    could write the job). Returns how many jobs it marked.
    """
    from django_tasks_db.models import DBTaskResult

    marked = 0
    for job_id, task_id, status in Job.objects.filter(
        status__in=(Job.Status.RUNNING, Job.Status.QUEUED)
    ).values_list("pk", "task_id", "status"):
        task = DBTaskResult.objects.filter(id=task_id).first() if task_id else None
        if task is None or worker_id not in task.worker_ids:
            continue
        if task.status == "RUNNING":
            task.set_failed(JobInterrupted(f"worker {worker_id} stopped"))
        elif task.status != "FAILED" and status == Job.Status.QUEUED:
            continue  # claimed, and yet not left running nor failed: not this worker's to end
        marked += _interrupted(job_id, f"JobInterrupted: worker {worker_id} stopped", status)
    return marked


def cancel(instance: Job) -> bool:
    """Cancel a job (`Job.cancel`, kept under its old path)."""
    return instance.cancel()
