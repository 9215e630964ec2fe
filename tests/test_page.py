from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from liveview.authoring.component import UnknownComponent
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.runtime import notify
from liveview.runtime.page import Page
from tests.support import sent_to


def connected(*specs: tuple[str, str, dict[str, object]]) -> Page:
    page = Page(connected=True)
    token = PageToken.new(tuple(ComponentSpec(*s) for s in specs), Binding.of(None, None, "x"))
    page.mount_token(token)
    page.render_all()
    return page


def test_connect_renders_every_top_level_component_out_of_band() -> None:
    page = Page(connected=True)
    page.mount_token(
        PageToken.new(
            (ComponentSpec("test_greeter", "lv-1", {}), ComponentSpec("test_greeter", "lv-2", {})),
            Binding.of(None, None, "x"),
        )
    )
    frame = page.render_all()
    assert frame.count('hx-swap-oob="outerMorph"') == 2
    assert '<div id="lv-1" data-lv="test_greeter"' in frame
    assert '<div id="lv-2" data-lv="test_greeter"' in frame


def test_an_event_replies_with_only_its_component() -> None:
    page = connected(("test_greeter", "lv-1", {}), ("test_greeter", "lv-2", {}))
    frame = page.dispatch("lv-1", "rename", {"name": "Ada"})
    assert frame is not None
    assert "Hello Ada" in frame
    assert sent_to(frame) == ["lv-1"]


def test_an_unchanged_component_is_not_sent() -> None:
    page = connected(("test_greeter", "lv-1", {}))
    assert page.dispatch("lv-1", "same", {}) is None


def test_the_same_state_twice_is_sent_once() -> None:
    page = connected(("test_greeter", "lv-1", {}))
    assert page.dispatch("lv-1", "rename", {"name": "Ada", "times": 0}) is not None
    assert page.dispatch("lv-1", "rename", {"name": "Ada", "times": 0}) is None


def test_mount_arguments_reach_mount() -> None:
    page = connected(("test_child", "lv-1", {"start": 7}))
    assert "<b>7</b>" in page.render_all()


def test_a_failing_handler_keeps_the_last_good_state_and_shows_a_short_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = connected(("test_greeter", "lv-1", {}))
    with caplog.at_level(logging.ERROR, logger="liveview"):
        frame = page.dispatch("lv-1", "explode", {})
    assert frame is not None
    assert "Something went wrong in explode." in frame
    assert "Hello world" in frame
    assert page.components["lv-1"].live_state() == {"name": "world", "renames": 0}
    assert "explode failed" in caplog.text


def test_the_traceback_is_shown_only_with_debug(settings: pytest.FixtureRequest) -> None:
    page = connected(("test_greeter", "lv-1", {}))
    settings.DEBUG = False  # type: ignore[attr-defined]
    frame = page.dispatch("lv-1", "explode", {})
    assert frame is not None and "secret internals" not in frame
    settings.DEBUG = True  # type: ignore[attr-defined]
    frame = page.dispatch("lv-1", "explode", {})
    assert frame is not None and "secret internals" in frame and "Traceback" in frame


def test_the_error_clears_on_the_next_good_event() -> None:
    page = connected(("test_greeter", "lv-1", {}))
    page.dispatch("lv-1", "explode", {})
    frame = page.dispatch("lv-1", "rename", {"name": "Bo"})
    assert frame is not None and "lv-error" not in frame and "Hello Bo" in frame


def test_a_failing_render_restores_the_state_and_shows_an_error() -> None:
    page = connected(("test_bomb", "lv-1", {}))
    frame = page.dispatch("lv-1", "arm", {})
    assert frame is not None and "Something went wrong while rendering." in frame
    assert page.components["lv-1"].live_state() == {"value": 1}
    frame = page.dispatch("lv-1", "set", {"value": 5})
    assert frame is not None and "<i>5</i>" in frame and "lv-error" not in frame


def test_wrong_arguments_are_an_error_in_the_component_not_a_crash() -> None:
    page = connected(("test_greeter", "lv-1", {}))
    frame = page.dispatch("lv-1", "rename", {"times": "many"})
    assert frame is not None
    assert "Invalid arguments for rename: times: Input should be a valid integer" in frame
    assert page.components["lv-1"].live_state() == {"name": "world", "renames": 0}


@pytest.mark.parametrize(
    "name", ["nope", "not_an_event", "mount", "render", "__init__", "__class__", "_lv_page"]
)
def test_only_event_methods_are_callable(name: str) -> None:
    page = connected(("test_greeter", "lv-1", {}))
    frame = page.dispatch("lv-1", name, {})
    assert frame is not None and "Unknown event" in frame
    assert page.components["lv-1"].live_state() == {"name": "world", "renames": 0}


def test_an_event_for_an_unknown_component_changes_nothing() -> None:
    page = connected(("test_greeter", "lv-1", {}))
    assert page.dispatch("lv-9", "rename", {}) is None


def test_a_token_naming_an_unregistered_component_is_refused() -> None:
    with pytest.raises(UnknownComponent, match="no component registered"):
        connected(("django.contrib.auth.models.User", "lv-1", {}))


def test_nested_children_are_live_components_of_the_page() -> None:
    page = connected(("test_parent", "lv-1", {}))
    assert set(page.components) == {"lv-1", "lv-1-1", "lv-1-2"}
    frame = page.dispatch("lv-1-2", "bump", {})
    assert frame is not None
    assert sent_to(frame) == ["lv-1-2"] and ">102<" in frame


def test_a_parent_rerender_keeps_its_childrens_state() -> None:
    page = connected(("test_parent", "lv-1", {}))
    page.dispatch("lv-1-1", "bump", {})
    frame = page.dispatch("lv-1", "retitle", {"title": "new"})
    assert frame is not None
    assert "<h2>new</h2>" in frame and "<b>101</b>" in frame and "<b>2</b>" in frame


def test_a_component_rendered_after_the_token_is_a_clear_error() -> None:
    page = Page()
    page.token(Binding.of(None, None, "x"))
    with pytest.raises(ImproperlyConfigured, match="at the end of <body>"):
        page.mount("test_greeter", "lv-1", {})


def test_a_parent_with_children_rerendered_unchanged_is_not_sent() -> None:
    page = connected(("test_parent", "lv-1", {}))
    assert page.dispatch("lv-1", "retitle", {"title": "parent"}) is None


def test_children_a_parent_stops_rendering_are_forgotten() -> None:
    page = connected(("test_parent", "lv-1", {}))
    page.dispatch("lv-1", "keep", {"count": 1})
    assert set(page.components) == {"lv-1", "lv-1-1"}
    assert set(page.mount_args) == {"lv-1", "lv-1-1"}


def test_a_mount_failing_on_connect_shows_in_that_component_only() -> None:
    page = Page(connected=True)
    specs = (
        ComponentSpec("test_fragile", "lv-1", {"fail": True}),
        ComponentSpec("test_fragile", "lv-2", {}),
    )
    page.mount_token(PageToken.new(specs, Binding.of(None, None, "x")))
    frame = page.render_all()
    assert "Could not load" in frame
    assert "<s>mounted</s>" in frame


def test_the_page_keeps_one_record_per_component_and_views_of_them() -> None:
    page = Page()
    comp = page.mount("test_child", "lv-1", {"start": 3})
    other = page.mount("test_greeter", "lv-2", {})
    spec = ComponentSpec("test_child", "lv-1", {"start": 3})
    assert page.records["lv-1"].component is comp and page.records["lv-1"].spec == spec
    assert page.mount_args["lv-1"] == spec and page.components["lv-1"] is comp
    assert list(page.components.values()) == [comp, other]
    assert list(page.components.items()) == [("lv-1", comp), ("lv-2", other)]
    assert [s.id for s in page.mount_args.values()] == ["lv-1", "lv-2"]
    with pytest.raises(TypeError):
        page.components["lv-3"] = comp  # type: ignore[index]
    page.records.pop("lv-1")
    assert "lv-1" not in page.components and "lv-1" not in page.mount_args


def test_a_notice_a_redirect_or_a_flash_leaves_the_reply_work_that_may_need_the_database() -> None:
    """What an `on_loop` turn asks of its page before it replies on the loop (dispatch)."""
    assert not Page(connected=True).reply_may_need_database()
    noticed = Page(connected=True)
    notify.begin(noticed)
    noticed.notify("saved")
    assert noticed.reply_may_need_database()
    redirected = Page(connected=True)
    redirected.redirect("/done/")
    assert redirected.reply_may_need_database()
    flashed = Page(connected=True)
    notify.begin(flashed)
    flashed.flash("Saved")
    notify.discard(flashed)  # its notice to the messages component gone: the message is left
    assert flashed.reply_may_need_database()
