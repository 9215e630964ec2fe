"""The commentary demo in real Chromium: a comment reaches every browser on that event only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from pytest_django.fixtures import Settings

from project.commentary.models import Comment, Event
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.support import LiveServer, open_live, orm

pytestmark = pytest.mark.browser

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'


def new_event(server: LiveServer, title: str) -> int:
    return orm(
        server,
        lambda: Event.objects.create(title=title, starts=datetime(2026, 7, 1, tzinfo=UTC)).pk,
    )


@pytest.fixture
def browsers(browser: Browser, server: LiveServer) -> Iterator[list[Page]]:
    """Three users, each with a browser context of their own; a dialog fails the test."""
    contexts = [browser.new_context(base_url=server.base_url) for _ in range(3)]
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    pages = []
    for context in contexts:
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        page.on("dialog", on_dialog)
        pages.append(page)
    yield pages
    for context in contexts:
        context.close()
    assert dialogs == [], "injected script ran"


def post(page: Page, name: str, comment: str) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Comment", exact=True).fill(comment)
    page.get_by_role("button", name="Post").click()


def test_a_comment_reaches_every_browser_on_the_event_as_text(
    browsers: list[Page], server: LiveServer, htmx_version: str
) -> None:
    final, launch = new_event(server, "Final"), new_event(server, "Launch")
    ann, bob, elsewhere = browsers
    open_live(ann, f"/events/{final}/")
    open_live(bob, f"/events/{final}/")
    open_live(elsewhere, f"/events/{launch}/")
    elsewhere_feed = elsewhere.get_by_role("list", name="Comments")
    elsewhere_before = elsewhere_feed.inner_html()

    post(ann, "Ann", "Kick-off!")
    feed = bob.get_by_role("list", name="Comments").locator(".comment")
    expect(feed.first.locator(".body")).to_have_text("Kick-off!", timeout=1000)

    post(bob, "Bob <b>", HOSTILE)
    for page in (ann, bob):
        comments = page.get_by_role("list", name="Comments").locator(".comment")
        expect(comments).to_have_count(2, timeout=1000)
        expect(comments.first.locator(".body")).to_have_text(HOSTILE)  # newest first, as text
        expect(comments.first.locator(".name")).to_have_text("Bob <b>")
        expect(comments.nth(1).locator(".body")).to_have_text("Kick-off!")
        assert page.locator(".feed script, .feed img, .feed b").count() == 0
    # The poster's form is ready for the next comment; the name stays.
    expect(bob.get_by_label("Comment", exact=True)).to_have_value("")
    expect(bob.get_by_label("Name")).to_have_value("Bob <b>")
    # Another event's page was not touched.
    assert elsewhere_feed.inner_html() == elsewhere_before
    stored = orm(
        server, lambda: list(Comment.objects.filter(event_id=final).values_list("body", flat=True))
    )
    assert stored == [HOSTILE, "Kick-off!"]


def test_post_is_disabled_until_the_form_validates(page: Page, server: LiveServer) -> None:
    pk = new_event(server, "Disabled")
    open_live(page, f"/events/{pk}/")
    post_button = page.get_by_role("button", name="Post")
    expect(post_button).to_be_disabled()
    page.get_by_label("Name").fill("Ann")
    page.get_by_label("Comment", exact=True).fill("Hello")
    expect(post_button).to_be_enabled()
    expect(page.locator(".field-error")).to_have_count(0)


def test_a_field_error_appears_as_the_user_types_and_goes_when_fixed(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_event(server, "Typing")
    open_live(page, f"/events/{pk}/")
    name, comment = page.get_by_label("Name"), page.get_by_label("Comment", exact=True)
    post_button = page.get_by_role("button", name="Post")
    name.fill("Ann")
    comment.fill("Hello")
    expect(post_button).to_be_enabled()
    comment.fill("")  # cleared: the form's own "required" appears, Post is disabled again
    expect(page.locator(".field-error")).to_have_text("This field is required.")
    expect(post_button).to_be_disabled()
    expect(name).to_have_value("Ann")
    comment.press_sequentially("Back")
    expect(page.locator(".field-error")).to_have_count(0)
    expect(post_button).to_be_enabled()
    expect(comment).to_have_value("Back")
    expect(comment).to_be_focused()


def test_a_forced_submit_of_an_invalid_form_shows_every_error_and_posts_nothing(
    page: Page, server: LiveServer
) -> None:
    pk = new_event(server, "Quiet")
    open_live(page, f"/events/{pk}/")
    page.locator(".comment-form [required]").evaluate_all(
        "els => els.forEach(el => el.removeAttribute('required'))"
    )
    post_button = page.get_by_role("button", name="Post")
    post_button.evaluate("el => el.removeAttribute('disabled')")  # the server still refuses
    post_button.click()
    expect(page.locator(".field-error")).to_have_text(["This field is required."] * 2)
    assert orm(server, lambda: Comment.objects.filter(event_id=pk).count()) == 0


def test_posting_works_without_javascript(browser: Browser, server: LiveServer) -> None:
    pk = new_event(server, "No script")
    context = browser.new_context(base_url=server.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/events/{pk}/")
        post(page, "Ann", "Plain <i>post</i>")
        expect(page).to_have_url(f"{server.base_url}/events/{pk}/")
        expect(page.locator(".comment .body")).to_have_text("Plain <i>post</i>")
    finally:
        context.close()


def test_the_events_list_links_every_event(page: Page, server: LiveServer) -> None:
    pk = new_event(server, "Listed")
    open_live(page, "/events/")
    page.get_by_role("link", name="Listed").click()
    expect(page).to_have_url(f"{server.base_url}/events/{pk}/")


def test_a_debounced_send_from_an_input_replaced_during_its_delay_is_not_refused_htmx2(
    page: Page, server: LiveServer, settings: Settings
) -> None:
    """Regression: under htmx 2 a fragment replaces the form while the comment's debounced
    validation waits; it then fires from the detached textarea, whose htmx events never reach
    the glue, so it went unstamped and was refused as a stale replay ("reconnecting")."""
    settings.LIVEVIEW_HTMX_VERSION = 2
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.append(str(p))))
    page.clock.install()
    pk = new_event(server, "Detached")
    open_live(page, f"/events/{pk}/")
    name, comment = page.get_by_label("Name"), page.get_by_label("Comment", exact=True)
    name.fill("Ann")
    page.clock.run_for(100)
    comment.fill("Hello")
    page.clock.run_for(200)  # the name's validation fires; its fragment replaces the form
    expect(name).to_have_attribute("value", "Ann")
    page.clock.run_for(200)  # the comment's fires, from the replaced textarea
    comment.fill("")  # one more event, whose answer comes after the comment's
    page.clock.run_for(300)
    expect(page.locator(".field-error")).to_have_text("This field is required.")
    assert not [frame for frame in received if "lv-error" in frame]
