"""The dashboard's live parts: the run button, and the latest finished run's results composed
in Python from liveview.data's Chart and Table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django_components import register

from liveview import LiveComponent, event
from liveview.data import Chart, DataPage, Layout, Table, Text
from liveview.models import JOBS_COLLECTION, Job
from liveview.resources import Subscription
from project.dashboard.jobs import feature_selection


@register("dashboard_run")
class RunButton(LiveComponent):
    template_name = "dashboard/run.html"
    #: Its notice ("already in progress") is about the runs it saw: a change to them clears it.
    remount_on_change = True

    def mount(self) -> None:
        latest = feature_selection.latest()
        self.busy = latest is not None and not latest.finished and not latest.abandoned
        self.notice = ""

    def subscriptions(self) -> Iterable[Subscription]:
        latest = feature_selection.latest()
        return [JOBS_COLLECTION] + ([latest] if latest is not None else [])

    @event
    def run(self) -> None:
        latest = feature_selection.latest()
        # A run whose worker was killed (Ctrl-C, a reload) is cancelled and replaced.
        stuck = latest is not None and latest.abandoned and latest.cancel()
        if latest is not None and not latest.finished and not stuck:
            self.notice = "A run is already in progress."
            return
        feature_selection.start(seconds=float(settings.DASHBOARD_JOB_SECONDS))
        self.busy = True
        self.notice = ""


@register("dashboard_results")
class Results(DataPage):
    """The scores of the latest finished run: a bar chart and a sortable table."""

    def layout(self) -> Layout:
        done = Job.objects.filter(name=feature_selection.name, status=Job.Status.DONE).first()
        if done is None or not isinstance(done.result, dict):
            return Text("No results yet: run feature selection.")
        scores: list[dict[str, Any]] = done.result["scores"]
        return [
            Text(f"Run #{done.pk}: {done.result['rows']} rows, {len(scores)} features."),
            Chart.bar(
                {"|correlation| with the price": [s["score"] for s in scores]},
                x_labels=[s["feature"] for s in scores],
                title="Feature scores",
            ),
            Table(
                scores,
                columns=["rank", "feature", "score"],
                labels={"rank": "Rank", "feature": "Feature", "score": "Score"},
                per_page=len(scores),
                filterable=False,
                caption="Scores",
            ),
        ]

    def subscriptions(self) -> Iterable[Subscription]:
        # The collection (a new run) and the latest run itself (its end), which the jobs
        # watcher polls when the layer is process-local.
        latest = feature_selection.latest()
        return [JOBS_COLLECTION, *([latest] if latest is not None else [])]
