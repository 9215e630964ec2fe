"""The polls demo in real Chromium: votes in every browser, and edits that never overwrite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from project.polls.models import Choice, Poll
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.support import LiveServer, open_live, orm

pytestmark = pytest.mark.browser


def new_poll(server: LiveServer, question: str = "Lunch?") -> int:
    def create() -> int:
        poll = Poll.objects.create(question=question)
        Choice.objects.bulk_create(Choice(poll=poll, text=t) for t in ("Pizza", "Salad"))
        return poll.pk

    return orm(server, create)


def question_of(server: LiveServer, pk: int) -> str:
    return orm(server, lambda: Poll.objects.get(pk=pk).question)


@pytest.fixture
def other(browser: Browser, server: LiveServer, context: BrowserContext) -> Iterator[Page]:
    """A second user: a browser context of its own (its own cookies and session)."""
    second = browser.new_context(base_url=server.base_url)
    second.set_default_timeout(ACTION_TIMEOUT_MS)
    page = second.new_page()
    yield page
    second.close()


def votes(page: Page, choice: str) -> str:
    row = page.get_by_role("table", name="Results").get_by_role("row").filter(has_text=choice)
    return row.locator(".votes").inner_text()


def test_a_vote_shows_in_every_browser(
    page: Page, other: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server)
    open_live(page, f"/polls/{pk}/")
    open_live(other, f"/polls/{pk}/")
    page.get_by_role("button", name="Pizza").click()
    for viewer in (page, other):
        results = viewer.get_by_role("table", name="Results")
        expect(results.get_by_role("row").filter(has_text="Pizza").locator(".votes")).to_have_text(
            "1"
        )
        expect(results.locator(".total-votes")).to_have_text("1")
    expect(page.get_by_role("status").filter(has_text="You voted for Pizza")).to_be_visible()
    other.get_by_role("button", name="Salad").click()
    for viewer in (page, other):
        expect(viewer.locator(".total-votes")).to_have_text("2")
    assert votes(page, "Salad") == "1"
    assert orm(
        server, lambda: list(Choice.objects.filter(poll_id=pk).values_list("votes", flat=True))
    ) == [1, 1]


def test_concurrent_edits_conflict_and_nothing_is_lost(
    page: Page, other: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server, "Original question?")
    a, b = page, other
    open_live(a, f"/polls/{pk}/")
    open_live(b, f"/polls/{pk}/")
    # A starts editing; the server knows A is dirty.
    a.get_by_label("Question").fill("A's question?")
    expect(a.get_by_role("status").filter(has_text="Unsaved changes")).to_be_visible()
    # B saves first.
    b.get_by_label("Question").fill("B's question?")
    b.get_by_role("button", name="Save").click()
    expect(b.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    assert question_of(server, pk) == "B's question?"
    # A sees the conflict with B's text, and keeps its own input.
    conflict = a.locator(".conflict")
    expect(conflict.locator(".theirs")).to_have_text("B's question?")
    expect(a.get_by_label("Question")).to_have_value("A's question?")
    expect(a.locator(".question")).to_have_text("B's question?")  # the results show B's
    # A's save with the old ETag is refused.
    a.get_by_role("button", name="Save", exact=True).click()
    expect(a.locator(".form-error")).to_contain_text("Someone else changed this")
    assert question_of(server, pk) == "B's question?"
    expect(a.get_by_label("Question")).to_have_value("A's question?")
    # A chooses to overwrite: A's text is saved, and B sees it.
    a.get_by_role("button", name="Overwrite with mine").click()
    expect(a.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    expect(conflict).to_have_count(0)
    assert question_of(server, pk) == "A's question?"
    expect(b.get_by_label("Question")).to_have_value("A's question?")
    expect(b.locator(".question")).to_have_text("A's question?")


def test_votes_and_edits_work_without_javascript(browser: Browser, server: LiveServer) -> None:
    pk = new_poll(server, "No script?")
    context = browser.new_context(base_url=server.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/polls/{pk}/")
        page.get_by_role("button", name="Salad").click()
        expect(page).to_have_url(f"{server.base_url}/polls/{pk}/")
        assert votes(page, "Salad") == "1"
        # A plain post with the ETag the page was rendered with.
        page.get_by_label("Question").fill("Still no script?")
        page.get_by_role("button", name="Save").click()
        assert question_of(server, pk) == "Still no script?"
        # A stale ETag: the conflict page, with the input kept and nothing overwritten.
        orm(server, lambda: Poll.objects.get(pk=pk).save())  # someone else writes
        page.get_by_label("Question").fill("Stale?")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".conflict .theirs")).to_have_text("Still no script?")
        expect(page.get_by_label("Question")).to_have_value("Stale?")
        assert question_of(server, pk) == "Still no script?"
        page.get_by_role("button", name="Overwrite with mine").click()
        assert question_of(server, pk) == "Stale?"
    finally:
        context.close()
