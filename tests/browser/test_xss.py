"""XSS: user data in component state and in published model fields stays text, in real Chromium.

Each payload would open a dialog (or fail to load an image, a console error) if it ran: none
may, neither in the first HTTP render nor in fragments arriving over the socket, under htmx 4
and 2. A `javascript:` link is rendered as "#" by `|safe_href`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, Request, expect
from pytest_django.fixtures import Settings

from project.commentary.models import Comment, Event
from project.polls.models import Choice, Poll
from tests.browser.support import LiveServer, open_live, orm
from tests.browser.urls import PAYLOADS

pytestmark = pytest.mark.browser

SCRIPT = '<script>alert("script")</script>'
IMG = '"><img src=x onerror=alert("img")>'
TEMPLATE = '</template><img src=x onerror=alert("template")>'
PROBE = "/lv-probe.gif"


class Alarms:
    """Dialogs and console errors on a page: what injected code would leave behind."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.images: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("request", self._request)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        # The browser's own favicon request 404s on these test pages, and so does the probe's
        # image; nothing else may fail.
        url = message.location["url"]
        if message.type == "error" and not url.endswith(("/favicon.ico", PROBE)):
            self.errors.append(f"{message.text} ({url})")

    def _request(self, request: Request) -> None:
        # The payloads' <img src=x>: an injected image asks for "x" before its onerror can run.
        if urlsplit(request.url).path.rsplit("/", 1)[-1] == "x":
            self.images.append(request.url)

    def assert_quiet(self, page: Page) -> None:
        # A probe made now, after the swaps: an image request and a console line of our own.
        # What injected content set off earlier (an image's request, a script's dialog, a
        # console error) is reported before them, so once both are in, nothing else can be.
        with (
            page.expect_request(lambda r: r.url.endswith(PROBE)),
            page.expect_console_message(lambda m: m.text == "lv-probe"),
        ):
            page.evaluate("(src) => { new Image().src = src; console.log('lv-probe'); }", PROBE)
        assert self.images == []
        assert self.dialogs == []
        assert self.errors == []


@pytest.fixture
def alarms(page: Page) -> Alarms:
    return Alarms(page)


@pytest.fixture
def scribble(page: Page, alarms: Alarms, settings: Settings, htmx_version: str) -> Iterator[Page]:
    settings.ROOT_URLCONF = "tests.browser.urls"
    open_live(page, "/scribble/")
    yield page
    alarms.assert_quiet(page)


def test_state_is_text_in_the_first_http_render(scribble: Page) -> None:
    text = scribble.locator("#lv-1 .text")
    expect(text).to_have_text(PAYLOADS)
    assert scribble.locator("#lv-1 img, #lv-1 script").count() == 0
    expect(scribble.locator("#lv-1 .link")).to_have_attribute("href", "#")
    expect(scribble.locator("#lv-1 .after")).to_have_text("end of scribble")


@pytest.mark.parametrize("payload", [SCRIPT, IMG, TEMPLATE], ids=["script", "img", "template"])
def test_state_set_by_an_event_is_text_in_the_fragment(scribble: Page, payload: str) -> None:
    scribble.get_by_label("Text").fill(payload + " after")
    scribble.get_by_label("Link").fill("javascript:alert('event')")
    scribble.get_by_role("button", name="Write").click()
    text = scribble.locator("#lv-1 .text")
    expect(text).to_have_text(payload + " after")
    # </template> in the fragment did not end htmx's parsing early: the rest was swapped too.
    expect(scribble.locator("#lv-1 .after")).to_have_text("end of scribble")
    assert scribble.locator("#lv-1 img, #lv-1 script").count() == 0
    expect(scribble.locator("#lv-1 .link")).to_have_attribute("href", "#")


def test_a_safe_link_set_by_an_event_is_kept(scribble: Page) -> None:
    scribble.get_by_label("Link").fill("https://example.com/a?b=c")
    scribble.get_by_role("button", name="Write").click()
    expect(scribble.locator("#lv-1 .link")).to_have_attribute("href", "https://example.com/a?b=c")


def test_a_published_poll_question_is_text(
    page: Page, alarms: Alarms, server: LiveServer, htmx_version: str
) -> None:
    def create() -> int:
        poll = Poll.objects.create(question=SCRIPT)
        Choice.objects.create(poll=poll, text=IMG)
        return poll.pk

    pk = orm(server, create)
    open_live(page, f"/polls/{pk}/")
    expect(page.locator(".question")).to_have_text(SCRIPT)  # the first render
    expect(page.get_by_role("button", name=IMG)).to_be_visible()

    def edit() -> None:
        poll = Poll.objects.get(pk=pk)
        poll.question = TEMPLATE + IMG
        poll.save()

    orm(server, edit)
    expect(page.locator(".question")).to_have_text(TEMPLATE + IMG)  # a published change
    expect(page.get_by_role("table", name="Results")).to_be_visible()
    assert page.locator("main img, main script, .results img").count() == 0
    alarms.assert_quiet(page)


def test_a_published_comment_is_text(
    page: Page, alarms: Alarms, server: LiveServer, htmx_version: str
) -> None:
    pk = orm(server, lambda: Event.objects.create(title=SCRIPT, starts=datetime.now(UTC)).pk)
    open_live(page, f"/events/{pk}/")
    expect(page.get_by_role("heading", name=SCRIPT)).to_be_visible()
    orm(server, lambda: Comment.objects.create(event_id=pk, name=IMG, body=TEMPLATE + SCRIPT))
    comment = page.locator(".feed .comment").first
    expect(comment.locator(".name")).to_have_text(IMG)
    expect(comment.locator(".body")).to_have_text(TEMPLATE + SCRIPT)
    assert page.locator(".feed img, .feed script").count() == 0
    alarms.assert_quiet(page)
