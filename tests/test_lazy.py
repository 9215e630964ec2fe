"""Lazy components: a placeholder in the HTTP render, mounted by the socket after its first
frame; a failed mount shows the failed state."""

from __future__ import annotations

from typing import ClassVar

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import Engine, RequestContext
from django.test import Client
from django.urls import path
from django_components import register
from pytest_django.fixtures import Settings

from liveview import LiveComponent, event
from liveview.runtime.page import Page
from liveview.testing import LiveClient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]


@register("lazy_report")
class Report(LiveComponent):
    """Counts its mounts: a lazy component's HTTP render must not mount it."""

    lazy = True
    template = (
        "{% load liveview %}<p class='total'>{{ total }}</p>"
        "<button type='button' {% live 'add' %}>Add</button>"
    )
    mounts: ClassVar[list[int]] = []

    def mount(self, start: int = 0) -> None:
        Report.mounts.append(start)
        self.total = start

    @event
    def add(self) -> None:
        self.total += 1


@register("lazy_custom")
class Custom(LiveComponent):
    lazy = True
    template = "<p class='done'>done</p>"

    def placeholder(self) -> str:
        return "<p class='wait'>Crunching numbers…</p>"


@register("lazy_broken")
class Broken(LiveComponent):
    lazy = True
    template = "<p>never</p>"

    def mount(self) -> None:
        raise RuntimeError("the warehouse at db.internal is down")


@register("lazy_eager")
class Eager(LiveComponent):
    template = "<p class='eager'>here</p>"


PAGES = {
    "report": "{% component 'lazy_eager' / %}{% component 'lazy_report' start=5 / %}",
    "custom": "{% component 'lazy_custom' / %}",
    "broken": "{% component 'lazy_broken' / %}{% component 'lazy_eager' / %}",
}


def page(request: HttpRequest, name: str) -> HttpResponse:
    template = Engine.get_default().from_string(
        "{% load liveview %}<!doctype html><html><body>" + PAGES[name] + "{% liveview_scripts %}"
        "</body></html>"
    )
    return HttpResponse(template.render(RequestContext(request)))


urlpatterns = [path("lazy/<str:name>/", page)]


@pytest.fixture(autouse=True)
def no_mounts() -> None:
    Report.mounts.clear()


def test_the_http_render_shows_the_placeholder_without_mounting() -> None:
    html = Client().get("/lazy/report/").content.decode()
    assert 'aria-busy="true" data-lv-lazy' in html and "Loading…" in html
    assert "<noscript>" in html and "class='total'" not in html
    assert "<p class='eager'>here</p>" in html
    assert Report.mounts == []


async def test_the_socket_mounts_it_after_the_first_frame(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/lazy/report/")
    first, second = page.frames[:2]
    assert "lv-epoch" in first and "eager" in first and "Loading…" in first
    assert "class='total'>5<" in second and "aria-busy" not in second
    assert Report.mounts == [5]
    assert page.text(".total") == "5" and not page.has("[aria-busy]")


async def test_a_lazy_component_is_live_once_mounted(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/lazy/report/")
    await page.click(text="Add")
    assert page.text(".total") == "6"


async def test_a_reconnect_shows_the_placeholder_then_mounts_again(
    each_build_client: LiveClient,
) -> None:
    page = await each_build_client.open("/lazy/report/")
    await page.reconnect()
    assert "Loading…" in page.frames[-2] and "class='total'>5<" in page.frames[-1]
    assert Report.mounts == [5, 5]


async def test_a_placeholder_of_its_own(each_build_client: LiveClient) -> None:
    html = Client().get("/lazy/custom/").content.decode()
    assert "Crunching numbers…" in html and "done" not in html
    page = await each_build_client.open("/lazy/custom/")
    assert page.text(".done") == "done" and not page.has(".wait")


async def test_a_failed_mount_shows_the_failed_state(each_build_client: LiveClient) -> None:
    page = await each_build_client.open("/lazy/broken/")
    assert page.errors == ["Could not load. Please try again later."]
    assert "db.internal" not in page.html() and not page.has("[aria-busy]")
    assert page.text(".eager") == "here"  # the rest of the page is live


async def test_the_failure_says_why_under_debug(
    each_build_client: LiveClient, settings: Settings
) -> None:
    settings.DEBUG = True
    page = await each_build_client.open("/lazy/broken/")
    assert page.errors[0] == "Could not load: the warehouse at db.internal is down"


def test_an_event_for_a_component_still_loading_is_refused() -> None:
    page = Page()
    page.mount("lazy_report", "lv-1", {"start": 1})
    page.connected = True
    frame = page.dispatch("lv-1", "add", {})
    assert frame is not None and "This part is still loading." in frame
    assert Report.mounts == []
