"""An exception's text reaches the browser only with DEBUG: a failing mount, render or update
shows generic text otherwise (a database error's text names hosts and users; a failing query's
carries its SQL). The full exception stays in the log and the inspector."""

from __future__ import annotations

from typing import Any

import pytest
from django_components import register

from liveview import LiveComponent
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime.page import Page

SECRET = 'connection to server at "db.internal" (10.0.0.7), user "app_rw" failed'


class Leaky:
    @property
    def text(self) -> str:
        raise RuntimeError(SECRET)


@register("test_leaky_mount")
class LeakyMount(LiveComponent):
    template = "<p>loaded</p>"

    def mount(self) -> None:
        raise RuntimeError(SECRET)


@register("test_leaky_render")
class LeakyRender(LiveComponent):
    template = "<p>{{ value.text }}</p>"
    value: Any = None

    def mount(self) -> None:
        self.value = Leaky()


@register("test_leaky_update")
class LeakyUpdate(LiveComponent):
    template = "<p>shown</p>"

    def subscriptions(self) -> list[str]:
        return ["/leaky/1"]

    def resource_changed(self, change: ResourceChanged) -> None:
        raise RuntimeError(SECRET)


def connect(name: str) -> tuple[Page, str]:
    page = Page(connected=True)
    spec = ComponentSpec(name, "lv-1", {})
    page.mount_token(PageToken.new((spec,), Binding.of(None, None, "x")))
    return page, page.render_all()


def on_load() -> str:
    return connect("test_leaky_mount")[1]


def on_render() -> str:
    return connect("test_leaky_render")[1]


def on_update() -> str:
    page, _ = connect("test_leaky_update")
    return page.changed([ResourceChanged("PUT", "/leaky/1", "/leaky/", "e2")]) or ""


PATHS = [
    pytest.param(on_load, "Could not load", id="load"),
    pytest.param(on_render, "Could not render", id="render"),
    pytest.param(on_update, "Could not update", id="update"),
]


@pytest.mark.parametrize(("failing", "headline"), PATHS)
def test_the_exception_text_is_shown_only_with_debug(
    debug: bool, failing: Any, headline: str
) -> None:
    frame = failing()
    assert headline in frame
    assert ("db.internal" in frame) is debug
    assert ("app_rw" in frame) is debug
