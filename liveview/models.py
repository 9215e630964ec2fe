# The liveview app's one model: a Job, the stored state of a long task that pages watch live.
# It is a LiveResource, so every page showing it follows it through the ordinary pub/sub path.
from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from liveview.core import conf
from liveview.pubsub.resources import LiveResource

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

        Returns False when the job had already ended.
        """
        from liveview.batteries.jobs import cancel

        return cancel(self)

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.pop("kwargs", None)
        return data


ENDED = frozenset({Job.Status.DONE, Job.Status.FAILED, Job.Status.CANCELLED})
