# Playwright helpers for an app's own browser tests: wait until a page is live, or live with
# nothing in flight, on the glue's signal (body[data-lv-state], body[data-lv-pending]), never
# on a sleep. docs/testing.md, "Waiting in a browser". Imports Playwright's sync API.
from __future__ import annotations

from playwright.sync_api import Page, expect

__all__ = [
    "IDLE",
    "IDLE_EVENT",
    "LIVE",
    "PENDING_ATTR",
    "STATE_ATTR",
    "expect_idle",
    "expect_live",
    "expect_offline",
    "open_live",
]

#: The attribute of <body> that says where the page's socket is: "connecting", "live",
#: "offline".
STATE_ATTR = "data-lv-state"
#: The attribute of <body> that counts what is in flight: events sent and not yet answered,
#: debounced input not yet sent, lazy components not yet rendered.
PENDING_ATTR = "data-lv-pending"
#: The DOM event dispatched on <body> each time the page becomes live with nothing pending.
IDLE_EVENT = "liveview:idle"
#: A selector for the <body> of a live page.
LIVE = f'body[{STATE_ATTR}="live"]'
#: A selector for the <body> of a live page with nothing in flight (one check: never a moment
#: between two).
IDLE = f'body[{STATE_ATTR}="live"][{PENDING_ATTR}="0"]'


def expect_live(page: Page, *, timeout: float | None = None) -> None:
    """Wait until the page's socket has delivered its first render (or its reconnect's).

    `timeout` is in milliseconds (Playwright's default for `expect` when None)."""
    expect(page.locator("body")).to_have_attribute(STATE_ATTR, "live", timeout=timeout)


def expect_idle(page: Page, *, timeout: float | None = None) -> None:
    """Wait until the page is live and nothing is in flight: every event it sent answered (its
    frame applied), no debounced input waiting, every lazy component rendered.

    Changes other pages (or this page's own writes) publish to the page arrive when they
    arrive: assert those with `expect(...)`, which retries."""
    expect(page.locator(IDLE)).to_be_attached(timeout=timeout)


def expect_offline(page: Page, *, timeout: float | None = None) -> None:
    """Wait until the page's socket is closed (reconnecting, or stopped by the server)."""
    expect(page.locator("body")).to_have_attribute(STATE_ATTR, "offline", timeout=timeout)


def open_live(page: Page, url: str, *, timeout: float | None = None) -> None:
    """Load `url` and wait until it is live with nothing in flight."""
    page.goto(url)
    expect_idle(page, timeout=timeout)
