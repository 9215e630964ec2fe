"""The dashboard's lazy summary: a placeholder in the page, the table once the socket is open,
a failed state, and its own page for a browser without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from liveview.testing import LiveClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick(settings: Settings) -> None:
    settings.DASHBOARD_SUMMARY_SECONDS = 0
    settings.LIVEVIEW_JOBS_POLL = False


def test_the_page_shows_the_placeholder_and_a_no_javascript_link() -> None:
    html = Client().get("/dashboard/").content.decode()
    assert "Summarising the data set…" in html and 'href="/dashboard/summary/"' in html
    assert "Correlation with the price" not in html


async def test_the_socket_fills_it_in(live_client: LiveClient) -> None:
    page = await live_client.open("/dashboard/")
    assert "Summarising the data set…" in page.frames[0]
    assert page.text("table.summary caption") == "The data set: 8 features"
    assert page.has("table.summary th", text="area_m2")
    assert not page.has(".lv-placeholder") and not page.has("[aria-busy]")


async def test_a_failed_summary_says_so_and_the_rest_stays_live(
    live_client: LiveClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down() -> list[dict[str, object]]:
        raise ConnectionError("warehouse.internal refused the connection")

    monkeypatch.setattr("project.dashboard.components.dashboard.summary_rows", down)
    page = await live_client.open("/dashboard/")
    assert page.errors == ["Could not load. Please try again later."]
    assert "warehouse.internal" not in page.html()
    assert page.has("button", text="Run feature selection")


def test_without_javascript_the_summary_has_its_own_page() -> None:
    response = Client().get("/dashboard/summary/")
    html = response.content.decode()
    assert response.status_code == 200 and "Correlation with the price" in html
    assert "area_m2" in html and "lv-placeholder" not in html
