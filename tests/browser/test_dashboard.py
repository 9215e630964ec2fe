"""The dashboard demo in real Chromium, with django-tasks' real database worker in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.transaction import Atomic
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_django.fixtures import Settings

from tests.browser.support import LiveServer, open_live
from tests.jobs import worker_thread_database

pytestmark = pytest.mark.browser

#: Long enough to watch and to reload in the middle, short enough for a test.
JOB_SECONDS = 4.0


def _ordinary_transaction(using: str | None = None) -> Atomic:
    return transaction.atomic(using=using)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def worker(server: LiveServer, monkeypatch_module: pytest.MonkeyPatch) -> Iterator[Worker]:
    """The real worker loop, polling the test database (the server fixture unblocked it).

    In production the worker is another process on a file or server database. Here it is a
    thread on the test database, SQLite in shared-cache memory, where a reader locks whole
    tables against writers: readers read uncommitted while the worker runs, so a page's reads
    never make the worker's writes fail (and the other way round). And the worker claims its
    tasks in an ordinary transaction, not an EXCLUSIVE one: on shared-cache SQLite that would
    lock the schema against every other thread's writes. One worker needs no exclusivity.
    """
    monkeypatch_module.setattr(db_worker, "exclusive_transaction", _ordinary_transaction)
    loop = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-tests",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=loop.run, name="liveview-test-worker", daemon=True)
    with worker_thread_database():
        thread.start()
        yield loop
        loop.running = False
        thread.join(timeout=30)
    assert not thread.is_alive(), "the worker did not stop"


@pytest.fixture(autouse=True)
def _fast_job(settings: Settings, worker: Worker) -> None:
    settings.DASHBOARD_JOB_SECONDS = JOB_SECONDS


def bar(page: Page) -> Locator:
    return page.get_by_role("progressbar", name="Feature selection")


def status(page: Page) -> Locator:
    return page.get_by_role("region", name="Feature selection").get_by_role("status")


def percent(page: Page) -> int:
    return int(bar(page).get_attribute("value") or 0)


def run(page: Page) -> None:
    button = page.get_by_role("button", name="Run feature selection")
    expect(button).to_be_enabled()
    button.click()
    expect(status(page)).to_have_text("Running")


def wait_until_done(page: Page) -> None:
    expect(status(page)).to_have_text("Done", timeout=int(JOB_SECONDS * 1000) + 10_000)


def wait_for_percent_above(page: Page, floor: int) -> None:
    page.wait_for_function(
        "floor => Number(document.querySelector('.lv-job progress').value) > floor", arg=floor
    )


def test_progress_rises_then_the_chart_and_table_appear(page: Page, htmx_version: str) -> None:
    open_live(page, "/dashboard/")
    run(page)
    wait_for_percent_above(page, 10)
    first = percent(page)
    wait_for_percent_above(page, first)
    assert first < percent(page) < 100
    wait_until_done(page)
    assert percent(page) == 100
    results = page.get_by_role("region", name="Results")
    chart = results.locator(".lv-data-chart svg")
    expect(chart).to_contain_text("Feature scores")
    for feature in ("area_m2", "rooms", "garden_m2"):
        expect(chart).to_contain_text(feature)
    table = results.get_by_role("table", name="Scores")
    expect(table.locator("tbody tr")).to_have_count(8)
    expect(table.locator("tbody tr").first).to_contain_text("area_m2")
    table.get_by_role("button", name="Feature").click()
    expect(table.locator("tbody tr").first).to_contain_text("age_years")
    table.get_by_role("button", name="Score").click()
    expect(table.locator("tbody tr").first).to_contain_text("garden_m2")
    table.get_by_role("button", name="Score").click()
    expect(table.locator("tbody tr").first).to_contain_text("area_m2")


def test_a_second_tab_sees_the_same_job(context: BrowserContext, page: Page) -> None:
    open_live(page, "/dashboard/")
    other = context.new_page()
    open_live(other, "/dashboard/")
    run(page)
    expect(status(other)).to_have_text("Running")
    wait_for_percent_above(other, 20)
    expect(other.get_by_role("button", name="Run feature selection")).to_be_disabled()
    wait_until_done(other)
    wait_until_done(page)
    summary = page.get_by_role("region", name="Results").get_by_text("Run #").inner_text()
    expect(other.get_by_role("region", name="Results").get_by_text("Run #")).to_have_text(summary)


def test_a_reload_mid_job_shows_the_current_progress(page: Page) -> None:
    open_live(page, "/dashboard/")
    run(page)
    wait_for_percent_above(page, 30)
    before = percent(page)
    page.reload()
    # The first HTTP render already shows where the job is, before the socket opens.
    assert percent(page) >= before
    expect(status(page)).to_have_text("Running")
    page.wait_for_selector("body[data-lv-socket=live]", state="attached")
    wait_for_percent_above(page, percent(page))
    wait_until_done(page)


def test_cancel_stops_the_job(page: Page, context: BrowserContext, htmx_version: str) -> None:
    open_live(page, "/dashboard/")
    other = context.new_page()
    open_live(other, "/dashboard/")
    run(page)
    wait_for_percent_above(page, 5)
    page.get_by_role("button", name="Cancel").click()
    for tab in (page, other):
        expect(status(tab)).to_have_text("Cancelled")
        expect(tab.get_by_role("button", name="Cancel")).to_have_count(0)
        expect(tab.get_by_role("button", name="Run feature selection")).to_be_enabled()
    stopped_at = percent(page)
    assert stopped_at < 100
    # Stopped for good: a new run starts from the beginning.
    run(page)
    expect(status(page)).to_have_text("Running")
    page.get_by_role("button", name="Cancel").click()
    expect(status(page)).to_have_text("Cancelled")
