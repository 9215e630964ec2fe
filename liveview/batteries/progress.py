# Progress: the framework's live component for a Job — a bar, the message, a Cancel button, and
# the queued / done / failed / cancelled states. Usable from a template or composed in Python.
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django_components import register

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event
from liveview.core import dialect
from liveview.data.blocks import Block
from liveview.models import JOBS_COLLECTION, Job
from liveview.pubsub.resources import ResourceChanged, Subscription

STATUS_TEXT = {
    Job.Status.QUEUED: "Queued",
    Job.Status.RUNNING: "Running",
    Job.Status.DONE: "Done",
    Job.Status.FAILED: "Failed",
    Job.Status.CANCELLED: "Cancelled",
}


@register("job_progress")
class JobProgress(LiveComponent):
    """``{% component "job_progress" job=job.pk / %}``: one job's live progress.

    Or ``follow="<job name>"`` to always show the latest run of that @job function (a new run
    started from any page replaces it).
    """

    template_name = "liveview/progress.html"

    def mount(
        self,
        job: int | None = None,
        follow: str = "",
        label: str = "Job progress",
        cancellable: bool = True,
    ) -> None:
        if job is None and not follow:
            raise TypeError("job_progress needs job=<pk> or follow=<job name>")
        self.follow = follow
        self.label = label
        self.cancellable = cancellable
        found = Job.objects.filter(name=follow) if follow else Job.objects.filter(pk=job or 0)
        self.job = found.first()
        self.job_id = self.job.pk if self.job is not None else job
        self.notice = ""

    def subscriptions(self) -> Iterable[Subscription]:
        topics: list[Subscription] = [JOBS_COLLECTION] if self.follow else []
        if self.job_id is not None:
            topics.append(f"{JOBS_COLLECTION}{self.job_id}")
        return topics

    def extra_context(self) -> dict[str, Any]:
        job = self.job
        # htmx 2 replaces the component on every update: keep the Cancel button the user is
        # pressing (a click needs the same element under mousedown and mouseup). htmx 4 morphs.
        preserve = not dialect.current().morphs
        # A job's error text is for its developers (it is in the row and the log), not viewers.
        shown = {"preserve": preserve, "show_error": settings.DEBUG, "notice": self.notice}
        if job is None:
            return {"status_text": "", **shown}
        text = STATUS_TEXT[Job.Status(job.status)]
        # A job whose worker is gone can be cancelled again (it then ends at once).
        stuck = job.abandoned
        if job.status == Job.Status.RUNNING and job.cancel_requested and not stuck:
            text = "Cancelling…"
        return {"status_text": text, "cancel_pending": job.cancel_requested and not stuck, **shown}

    def resource_changed(self, change: ResourceChanged) -> None:
        # Reload the job, keeping a notice the user has not read yet (the job may write 4×/s).
        notice = self.notice
        self.refresh()
        self.notice = notice

    @event
    def cancel(self, job: int) -> None:
        """Cancel the run the user saw: in `follow` mode a newer run may have replaced it."""
        if not self.cancellable or self.job is None:
            return
        if job != self.job.pk:
            self.notice = f"Run #{job} is no longer shown here: it was not cancelled."
            return
        self.notice = ""
        self.job.cancel()


@dataclass
class Progress(Block):
    """A `job_progress` component as a block of a DataPage's layout (liveview.data).

    ``Progress(job=run.pk)`` or ``Progress(follow=fit_model.name, label="Model fit")``.
    """

    job: int | None = None
    follow: str = ""
    label: str = "Job progress"
    cancellable: bool = True
    template_name: ClassVar[str] = "liveview/progress_block.html"

    def __post_init__(self) -> None:
        if self.job is None and not self.follow:
            raise TypeError("Progress needs job=<pk> or follow=<job name>")
