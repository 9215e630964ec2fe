"""The polls demo as the several-process tests use it: a poll per test, its page, its totals."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.support import open_live
from tests.scale.conftest import Cluster
from tests.scale.support import new_poll

CHOICES = ["Tea", "Coffee"]
#: How long a page may take to converge after a fault heals (reconnect backoff included).
CONVERGE_MS = 60_000


def open_poll(cluster: Cluster, *pages: Page) -> int:
    """A new poll, made by a third process, open and live on every page; its pk."""
    pk = new_poll(cluster.env, "Tea or coffee?", CHOICES)
    for page in pages:
        open_live(page, f"/polls/{pk}/")
    return pk


def vote(page: Page, choice: str) -> None:
    """Click a vote and wait until the page confirms it: from then on it is the user's saved.

    The confirmation is the page's own total going up (its own turn re-renders it from the
    database, so it may also show others' votes it had not seen) and the page naming the choice.
    """
    before = int(page.locator(".total-votes").inner_text())
    page.locator("form.vote").get_by_role("button", name=choice).click()
    page.wait_for_function(
        "n => Number(document.querySelector('.total-votes').textContent) > n", arg=before
    )
    expect(page.get_by_role("status").filter(has_text=f"You voted for {choice}")).to_be_visible()


def shown(page: Page) -> dict[str, str]:
    rows = page.get_by_role("table", name="Results").locator("tbody tr")
    return {
        row.locator("th").inner_text(): row.locator(".votes").inner_text() for row in rows.all()
    }


def expect_database_shown(cluster: Cluster, pk: int, *pages: Page, timeout: int) -> None:
    """Every page shows exactly what the database holds (checked when the pages are quiet)."""
    held = cluster.votes(pk)
    total = str(sum(held.values()))
    for page in pages:
        expect(page.locator(".total-votes")).to_have_text(total, timeout=timeout)
        for choice, count in held.items():
            row = page.get_by_role("table", name="Results").locator("tbody tr", has_text=choice)
            expect(row.locator(".votes")).to_have_text(str(count))
