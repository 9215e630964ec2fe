"""The job_progress component: one job's bar, message and Cancel, in each of its states."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from pytest_django.fixtures import Settings

from liveview.batteries.jobs import ProgressReporter
from liveview.models import Job
from liveview.testing.dom import Document
from tests.support import connect, next_shown

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_polling(settings: Settings) -> None:
    """These tests write from threads of their own: no job watcher reads concurrently."""
    settings.LIVEVIEW_JOBS_POLL = False


P = ParamSpec("P")
R = TypeVar("R")


def orm(func: Callable[P, R]) -> Callable[P, Any]:
    # Django's sync thread, where the consumer reads too: no two threads on the test database.
    return sync_to_async(func)


async def rendered(**fields: Any) -> str:
    row = await orm(Job.objects.create)(name="tests.jobs.add", **fields)
    comm, frame = await connect(("job_progress", "lv-1", {"job": row.pk}))
    await comm.disconnect()
    return str(frame)


async def test_a_queued_job_shows_an_indeterminate_bar_and_cancel() -> None:
    frame = await rendered()
    assert '<progress aria-label="Job progress" max="100"></progress>' in frame
    assert "Queued" in frame and ">Cancel</button>" in frame


async def test_a_running_job_shows_its_percent_and_message() -> None:
    frame = await rendered(status="running", fraction=0.424, message="Scoring rooms")
    assert 'value="42"' in frame and "42%" in frame
    assert "Running" in frame and "Scoring rooms" in frame


async def test_a_cancel_requested_shows_cancelling_with_the_button_disabled() -> None:
    frame = await rendered(status="running", cancel_requested=True)
    assert "Cancelling…" in frame and "disabled>Cancel</button>" in frame


async def test_a_done_job_has_a_full_bar_and_no_cancel() -> None:
    frame = await rendered(status="done", fraction=1.0, message="Scored")
    assert 'value="100"' in frame and "Done" in frame and "Cancel" not in frame


async def test_a_failed_job_shows_its_error_escaped_with_debug(settings: Settings) -> None:
    settings.DEBUG = True
    frame = await rendered(status="failed", error="ValueError: <b>bad</b>")
    assert "Failed" in frame and "ValueError: &lt;b&gt;bad&lt;/b&gt;" in frame
    assert "<b>bad" not in frame


async def test_a_cancelled_job_says_so_without_a_button() -> None:
    frame = await rendered(status="cancelled", fraction=0.3)
    assert "Cancelled" in frame and "<button" not in frame


async def test_cancellable_false_hides_the_button() -> None:
    row = await orm(Job.objects.create)(name="tests.jobs.add", status="running")
    comm, frame = await connect(("job_progress", "lv-1", {"job": row.pk, "cancellable": False}))
    await comm.disconnect()
    assert "Running" in frame and "<button" not in frame


async def test_follow_shows_the_latest_run_of_a_job() -> None:
    await orm(Job.objects.create)(name="tests.jobs.add", message="older")
    await orm(Job.objects.create)(name="tests.jobs.add", message="newest")
    comm, frame = await connect(("job_progress", "lv-1", {"follow": "tests.jobs.add"}))
    assert "newest" in frame and "older" not in frame
    await orm(Job.objects.create)(name="tests.jobs.add", message="started elsewhere")
    assert "started elsewhere" in await comm.receive_from(timeout=5)
    await comm.disconnect()


async def test_a_missing_job_says_there_is_none() -> None:
    comm, frame = await connect(("job_progress", "lv-1", {"job": 987654}))
    await comm.disconnect()
    assert "No job yet." in frame


def test_the_dashboard_renders_the_latest_run_on_the_first_request() -> None:
    Job.objects.create(
        name="project.dashboard.jobs.feature_selection",
        status="running",
        fraction=0.5,
        message="Scoring rooms",
    )
    html = Client().get("/dashboard/").content.decode()
    assert 'value="50"' in html and "Scoring rooms" in html
    assert "Run feature selection</button>" in html and "disabled" in html


async def test_a_failed_job_hides_its_error_without_debug(settings: Settings) -> None:
    settings.DEBUG = False
    frame = await rendered(status="failed", error="ValueError: secret path /srv/x")
    assert "Failed" in frame and "details are in the server log" in frame
    assert "secret path" not in frame


async def test_cancel_carries_the_job_it_was_shown_for() -> None:
    row = await orm(Job.objects.create)(name="tests.jobs.add", status="running")
    comm, frame = await connect(("job_progress", "lv-1", {"follow": "tests.jobs.add"}))
    await comm.disconnect()
    assert f'"event":"cancel","job":{row.pk}}}' in frame.replace("&quot;", '"')


async def test_a_cancel_for_a_run_no_longer_shown_cancels_nothing() -> None:
    older = await orm(Job.objects.create)(name="tests.jobs.add", status="running")
    comm, _ = await connect(("job_progress", "lv-1", {"follow": "tests.jobs.add"}))
    newer = await orm(Job.objects.create)(name="tests.jobs.add", status="running")
    assert f"lv-1-cancel-{newer.pk}" in await comm.receive_from(timeout=5)
    await comm.send_to(text_data=f'{{"lv": "lv-1", "event": "cancel", "job": {older.pk}}}')
    frame = await comm.receive_from(timeout=5)
    await comm.disconnect()
    assert f"Run #{older.pk} is no longer shown here: it was not cancelled." in frame
    stored = await orm(Job.objects.get)(pk=newer.pk)
    assert (stored.status, stored.cancel_requested) == ("running", False)


async def test_the_notice_outlives_the_next_progress_write() -> None:
    older = await orm(Job.objects.create)(name="tests.jobs.add", status="running")
    comm, first = await connect(("job_progress", "lv-1", {"follow": "tests.jobs.add"}))
    page = Document(first)
    newer = await orm(Job.objects.create)(name="tests.jobs.add", status="running")
    page.apply(await comm.receive_from(timeout=5))
    await comm.send_to(text_data=f'{{"lv": "lv-1", "event": "cancel", "job": {older.pk}}}')
    page.apply(await comm.receive_from(timeout=5))
    await orm(ProgressReporter(newer.pk).__call__)(0.5, "a progress write")
    shown = await next_shown(comm, page)
    await comm.disconnect()
    assert "a progress write" in shown and "it was not cancelled" in shown


async def test_a_cancel_for_the_run_shown_cancels_it() -> None:
    row = await orm(Job.objects.create)(name="tests.jobs.add")
    comm, _ = await connect(("job_progress", "lv-1", {"job": row.pk}))
    await comm.send_to(text_data=f'{{"lv": "lv-1", "event": "cancel", "job": {row.pk}}}')
    frame = await comm.receive_from(timeout=5)
    await comm.disconnect()
    assert "Cancelled" in frame
    assert (await orm(Job.objects.get)(pk=row.pk)).status == "cancelled"


async def test_a_job_whose_worker_is_gone_can_be_cancelled_again(settings: Settings) -> None:
    settings.LIVEVIEW_JOB_ABANDONED_AFTER = 0
    frame = await rendered(status="running", cancel_requested=True)
    assert "Running" in frame and "Cancelling…" not in frame
    assert "disabled>Cancel</button>" not in frame and ">Cancel</button>" in frame
