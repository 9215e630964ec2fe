"""Helpers shared by the browser tests: page helpers; the server is liveview.testing's."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from playwright.sync_api import Locator, Page

from liveview.testing.playwright import expect_live
from liveview.testing.server import LiveServer

__all__ = ["LIVE", "LiveServer", "count_of", "counter", "open_live", "orm"]

T = TypeVar("T")

#: The glue sets this once a server frame has arrived on the page's socket.
LIVE = "body[data-lv-socket=live]"


def open_live(page: Page, path: str) -> None:
    """Load `path` and wait until its socket has delivered the first full render (live; a lazy
    component may still be on its way: `expect_idle` waits for that too)."""
    page.goto(path)
    expect_live(page)


def counter(page: Page, label: str) -> Locator:
    """A counter's section, found by its accessible name."""
    return page.get_by_role("region", name=label)


def count_of(section: Locator) -> Locator:
    """The <output> with a counter's count (role status)."""
    return section.get_by_role("status")


def orm(server: LiveServer, func: Callable[[], T]) -> T:
    """Run ORM code for a test on the server's loop (the test thread may not use the ORM)."""
    from asgiref.sync import sync_to_async

    async def run() -> T:
        return await sync_to_async(func, thread_sensitive=False)()

    return server.call(run)
