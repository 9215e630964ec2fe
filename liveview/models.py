# The liveview app's one model: a Job, the stored state of a long task that pages watch live.
# It is a LiveResource, so every page showing it follows it through the ordinary pub/sub path.
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import OperationalError, models, transaction
from django.utils import timezone

from liveview.core import conf
from liveview.pubsub.resources import LiveResource, ResourceChanged, new_etag

JOBS_COLLECTION = "/liveview/jobs/"


class Job(LiveResource):
    """One run of a function decorated with `liveview.jobs.job`: queued → running → an end."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    #: The job function's import path (set by the server, never by a client).
    name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    fraction = models.FloatField(default=0.0)
    message = models.CharField(max_length=500, blank=True, default="")
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    #: The django-tasks result id of the run, once enqueued.
    task_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    resource_collection = JOBS_COLLECTION

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)

    @property
    def finished(self) -> bool:
        return self.status in ENDED

    @property
    def abandoned(self) -> bool:
        """Running, but silent for `LIVEVIEW_JOB_ABANDONED_AFTER` seconds: its worker is gone."""
        if self.status != self.Status.RUNNING:
            return False
        return self.updated_at < timezone.now() - timedelta(seconds=conf.job_abandoned_after())

    def cancel(self) -> bool:
        """Cancel: a queued job never runs, a running one stops at its next progress call.

        Returns False when the job had already ended. A running job whose row was not
        written for `LIVEVIEW_JOB_ABANDONED_AFTER` seconds lost its worker (killed, or a
        reload): it is cancelled at once.
        """
        pk = self.pk
        silent_since = timezone.now() - timedelta(seconds=conf.job_abandoned_after())
        ok = (
            _cancelled(pk, {"status": Job.Status.QUEUED}, "Cancelled")
            or _cancelled(
                pk,
                {"status": Job.Status.RUNNING, "updated_at__lt": silent_since},
                "Cancelled (its worker had stopped)",
            )
            or write_job(
                pk,
                {"status": Job.Status.RUNNING, "cancel_requested": False},
                cancel_requested=True,
            )
        )
        self.refresh_from_db()
        return ok

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.pop("kwargs", None)
        return data


ENDED = frozenset({Job.Status.DONE, Job.Status.FAILED, Job.Status.CANCELLED})


def _cancelled(job_id: int, where: dict[str, Any], message: str) -> bool:
    """End the job as cancelled now, if its row matches `where` (the cancel stays recorded)."""
    return write_job(
        job_id, where, status=Job.Status.CANCELLED, cancel_requested=True, message=message
    )


_WRITE_ATTEMPTS = 5


def write_job(job_id: int, where: dict[str, Any], **fields: Any) -> bool:
    """Update the job's row if it matches `where`, with a new ETag; announce it when it did.

    The one way a job's row is written (by its worker through liveview.jobs, by `cancel`).
    """
    etag = new_etag()
    rows = Job.objects.filter(pk=job_id, **where)
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            updated = rows.update(**fields, etag=etag, updated_at=timezone.now())
            break
        except OperationalError as exc:
            # SQLite: the server and the worker share one file; a write may find it locked.
            if "is locked" not in str(exc) or attempt == _WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    if not updated:
        return False
    if not conf.jobs_polled():
        # A shared layer reaches every server: announce it. A process-local one cannot from a
        # worker; there the servers poll the jobs their pages show (liveview/job_watch.py).
        from liveview.pubsub.publish import publish

        uri = f"{JOBS_COLLECTION}{job_id}"
        change = ResourceChanged("PUT", uri, JOBS_COLLECTION, etag)
        transaction.on_commit(lambda: publish(change))
    return True
