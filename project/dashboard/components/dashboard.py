"""The dashboard's live parts: the run button and the results of the latest finished run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.conf import settings
from django_components import register

from liveview import LiveComponent, event
from liveview.models import JOBS_COLLECTION, Job
from liveview.resources import Subscription
from project.dashboard.jobs import feature_selection

SortKey = Literal["rank", "feature", "score"]
COLUMNS = (("rank", "Rank"), ("feature", "Feature"), ("score", "Score"))


@register("dashboard_run")
class RunButton(LiveComponent):
    template_name = "dashboard/run.html"

    def mount(self) -> None:
        latest = feature_selection.latest()
        self.busy = latest is not None and not latest.finished
        self.notice = ""

    def subscriptions(self) -> Iterable[Subscription]:
        latest = feature_selection.latest()
        return [JOBS_COLLECTION] + ([latest] if latest is not None else [])

    @event
    def run(self) -> None:
        latest = feature_selection.latest()
        if latest is not None and not latest.finished:
            self.notice = "A run is already in progress."
            return
        feature_selection.start(seconds=float(settings.DASHBOARD_JOB_SECONDS))
        self.busy = True
        self.notice = ""


@register("dashboard_results")
class Results(LiveComponent):
    """The scores of the latest finished run: a bar chart and a table sorted by any column."""

    template_name = "dashboard/results.html"
    sort: SortKey = "rank"
    descending: bool = False

    def mount(self) -> None:
        done = Job.objects.filter(name=feature_selection.name, status=Job.Status.DONE).first()
        self.job_id = done.pk if done is not None else None
        self.result: dict[str, Any] = (done.result if done is not None else None) or {}
        latest = feature_selection.latest()
        self.latest_id = latest.pk if latest is not None else None

    def subscriptions(self) -> Iterable[Subscription]:
        topics: list[Subscription] = [JOBS_COLLECTION]
        if self.latest_id is not None:
            topics.append(f"{JOBS_COLLECTION}{self.latest_id}")
        return topics

    def resource_changed(self, change: Any) -> None:
        sort, descending = self.sort, self.descending
        self.refresh()
        self.sort, self.descending = sort, descending

    @event
    def sort_by(self, column: SortKey) -> None:
        if column == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = column, column == "score"

    def extra_context(self) -> dict[str, Any]:
        scores: list[dict[str, Any]] = list(self.result.get("scores", []))
        rows = sorted(scores, key=lambda s: s[self.sort], reverse=self.descending)
        best = max((s["score"] for s in scores), default=0) or 1
        bars = [{**s, "width": round(100 * s["score"] / best, 1)} for s in scores]
        return {"rows": rows, "bars": bars, "columns": COLUMNS}
