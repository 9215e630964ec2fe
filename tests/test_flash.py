"""Flash messages: `self.live.flash`, `{% live_messages %}`, and the hop a redirect takes."""

from __future__ import annotations

import logging
import re
import time

import pytest
from django.contrib import messages
from django.core import signing
from django.template import engines
from django.test import Client, RequestFactory
from django_components import register

from liveview import LiveComponent, event
from liveview.batteries.live_messages import LiveMessages
from liveview.runtime.flash import NAME, message_data
from liveview.runtime.page import Page
from project.polls.models import Poll
from tests.support import sent_to, shown

pytestmark = pytest.mark.django_db


@register("test_flasher")
class Flasher(LiveComponent):
    template = "<p>{{ n }}</p>"
    n: int = 0

    @event
    def save(self) -> None:
        self.n += 1
        self.live.flash("Saved", level=messages.SUCCESS)

    @event
    def save_and_go(self, to: str) -> None:
        self.live.flash("Saved, then moved", extra_tags="big")
        self.live.redirect(to)

    @event
    def fail(self) -> None:
        self.live.flash("Never shown")
        raise ValueError("no")


def page_with_messages(*, until: float | None = None) -> Page:
    page = Page(connected=True)
    page.mount("test_flasher", "lv-1", {})
    initial = [message_data(messages.INFO, "From the request")]
    page.mount(NAME, "lv-2", {"initial": initial, "until": until or time.time() + 60})
    page.render_all()
    return page


def test_a_flash_is_shown_live_with_djangos_level_tags() -> None:
    page = page_with_messages()
    first = page.render_all()  # what the browser has (the same HTML again)
    frame = page.dispatch("lv-1", "save", {})
    assert frame is not None and 'class="lv-message success">Saved' in frame
    assert "lv-2" in sent_to(frame) and "From the request" in shown(first, frame, cid="lv-2")


def test_a_failed_event_flashes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    page = page_with_messages()
    frame = page.dispatch("lv-1", "fail", {})
    assert frame is not None and "Never shown" not in frame and 'id="lv-2"' not in frame
    page.dispatch("lv-1", "save", {})
    assert "Never shown" not in page.records["lv-2"].html  # type: ignore[operator]
    bare = Page(connected=True)
    bare.mount("test_flasher", "lv-1", {})
    with caplog.at_level(logging.WARNING, logger="liveview"):
        bare.dispatch("lv-1", "fail", {})
    assert "live_messages" not in caplog.text  # dropped with the failure, not "unseen"


def test_each_message_is_dismissed_by_its_own_timer_or_its_button() -> None:
    page = page_with_messages()
    page.dispatch("lv-1", "save", {})
    shown = page.components["lv-2"]
    assert isinstance(shown, LiveMessages)
    assert [m["text"] for m in shown.shown] == ["From the request", "Saved"]
    assert len(page.timers) == 2
    page.dispatch("lv-2", "dismiss", {"id": str(shown.shown[0]["id"])})
    assert [m["text"] for m in shown.shown] == ["Saved"]
    assert len(page.timers) == 1  # its timer went with it


def test_a_reconnect_after_the_deadline_does_not_show_the_requests_messages_again() -> None:
    page = page_with_messages(until=time.time() - 1)
    assert "From the request" not in page.render_all()


def test_the_first_render_shows_and_consumes_the_requests_messages() -> None:
    request = RequestFactory().get("/")
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    messages.warning(request, "Careful <now>")
    html = (
        engines["django"]
        .from_string("{% load liveview %}{% live_messages %}{% liveview_scripts %}")
        .render({}, request)
    )
    assert 'class="lv-message warning">Careful &lt;now&gt;' in html
    assert request._messages.used  # type: ignore[attr-defined]  # read: not kept for the next page


def test_live_messages_refuses_a_bad_duration() -> None:
    template = engines["django"].from_string("{% load liveview %}{% live_messages seconds=0 %}")
    with pytest.raises(TypeError, match="positive number"):
        template.render({}, RequestFactory().get("/"))


def test_a_flash_before_a_redirect_reaches_the_next_page_through_djangos_storage() -> None:
    poll = Poll.objects.create(question="Here?")
    page = page_with_messages()
    page.host = "testserver"
    frame = page.dispatch("lv-1", "save_and_go", {"to": f"/polls/{poll.pk}/"})
    assert frame is not None and "Saved, then moved" not in frame  # not shown on the old page
    hop = re.search(r'id="lv-redirect" hidden data-url="([^"]+)"', frame)
    assert hop is not None and hop.group(1).startswith("/liveview/flash/")
    browser = Client()
    response = browser.get(hop.group(1))
    assert response.status_code == 302 and response["Location"] == f"/polls/{poll.pk}/"
    html = browser.get(f"/polls/{poll.pk}/").content.decode()
    assert 'class="lv-message big info">Saved, then moved' in html
    assert "Saved, then moved" not in browser.get(f"/polls/{poll.pk}/").content.decode()


def test_a_forged_or_stale_hop_is_refused() -> None:
    browser = Client()
    assert browser.get("/liveview/flash/nonsense/").status_code == 400
    old = signing.dumps({"next": "/", "messages": []}, salt="liveview.flash")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: 10**10)
        assert browser.get(f"/liveview/flash/{old}/").status_code == 400


def test_a_flash_nobody_shows_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    page = Page(connected=True)
    page.mount("test_flasher", "lv-1", {})
    page.render_all()
    with caplog.at_level(logging.WARNING, logger="liveview"):
        page.dispatch("lv-1", "save", {})
    assert "without {% live_messages %}" in caplog.text


@register("test_flash_nested")
class Nested(LiveComponent):
    template = "{% load liveview %}{% live_messages %}"


def test_live_messages_inside_a_live_component_is_a_clear_error() -> None:
    page = Page(connected=True)
    nested = page.mount("test_flash_nested", "lv-1", {})
    with pytest.raises(TypeError, match="not in a live component"):
        page.render(nested, oob=False)
