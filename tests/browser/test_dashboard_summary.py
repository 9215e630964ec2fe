"""The dashboard's lazy summary in real Chromium, under each htmx build: its placeholder is in
the page and stays while the mount runs; the socket then swaps the table in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from project.dashboard.summary import summary_rows
from tests.browser.support import LiveServer, open_live

pytestmark = pytest.mark.browser


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[threading.Event]:
    """The summary's mount waits until the test sets this (the server runs in this process)."""
    settings.DASHBOARD_SUMMARY_SECONDS = 0
    settings.LIVEVIEW_JOBS_POLL = False
    gate = threading.Event()

    def slow() -> list[dict[str, Any]]:
        gate.wait(timeout=30)
        return summary_rows()

    monkeypatch.setattr("project.dashboard.components.dashboard.summary_rows", slow)
    yield gate
    gate.set()


def test_the_placeholder_shows_until_the_socket_fills_it_in(
    page: Page, server: LiveServer, htmx_version: str, release: threading.Event
) -> None:
    open_live(page, "/dashboard/")  # live while the summary is still being mounted
    summary = page.get_by_role("region", name="Summary").locator("[data-lv]")
    expect(summary).to_have_attribute("aria-busy", "true")
    expect(summary.get_by_text("Summarising the data set…")).to_be_visible()
    release.set()
    expect(summary.get_by_role("table")).to_contain_text("The data set: 8 features")
    expect(summary).not_to_have_attribute("aria-busy", "true")
    expect(summary.locator(".lv-placeholder")).to_have_count(0)
