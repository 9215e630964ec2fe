"""The dashboard's Run button through liveview.testing: one run at a time, unless it is stuck."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from pytest_django.fixtures import Settings

from liveview.models import Job
from liveview.testing import LiveClient
from project.dashboard.jobs import feature_selection

pytestmark = pytest.mark.django_db(transaction=True)

RUN = "button"


@pytest.fixture(autouse=True)
def _no_polling(settings: Settings) -> None:
    settings.LIVEVIEW_JOBS_POLL = False
    settings.LIVEVIEW_JOB_ABANDONED_AFTER = 60


@sync_to_async
def running_job(silent_for: float) -> Job:
    row = Job.objects.create(name=feature_selection.name, status=Job.Status.RUNNING)
    Job.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(seconds=silent_for))
    return row


@sync_to_async
def statuses() -> list[str]:
    return list(Job.objects.filter(name=feature_selection.name).values_list("status", flat=True))


async def test_a_run_in_progress_refuses_a_second_one(live_client: LiveClient) -> None:
    await running_job(silent_for=1)
    page = await live_client.open("/dashboard/")
    assert page.has("button[disabled]", text="Run feature selection")
    # As a page rendered before the run started would send it:
    await page.send("run", component="dashboard_run")
    assert "A run is already in progress." in page.html()
    assert await statuses() == ["running"]


async def test_a_run_whose_worker_is_gone_is_cancelled_and_replaced(
    live_client: LiveClient,
) -> None:
    await running_job(silent_for=61)
    page = await live_client.open("/dashboard/")
    await page.click(RUN, text="Run feature selection")
    assert "already in progress" not in page.html()
    assert await statuses() == ["queued", "cancelled"]
