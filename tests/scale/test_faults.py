"""Faults across processes: Redis gone for 10 s, a server process SIGKILLed, a browser offline
for 30 s. Every page recovers by itself and, once quiet, shows exactly what the database holds;
nothing a user saved is lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.scale.conftest import Cluster
from tests.scale.polls import CONVERGE_MS, expect_database_shown, open_poll, vote
from tests.scale.proxy import TcpProxy
from tests.scale.support import votes_in_db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REDIS_DOWN_S = 10.0
OFFLINE_S = 30.0
SOCKET = "body"  # the glue keeps the socket's state in body[data-lv-socket]


def hold_until(started: float, seconds: float) -> None:
    """Keep a fault in place for its full duration (the duration is the scenario, not a wait)."""
    time.sleep(max(0.0, started + seconds - time.monotonic()))


def test_pages_converge_after_redis_was_down_for_10_seconds(
    cluster: Cluster, pages: tuple[Page, Page], contexts: tuple[BrowserContext, ...]
) -> None:
    a, b = pages
    pk = open_poll(cluster, a, b)
    cluster.redis.stop()
    down = time.monotonic()
    # Writes keep working (the publish is logged and skipped); each page sees its own.
    vote(a, "Tea")
    vote(b, "Coffee")
    vote(a, "Coffee")
    # A page opened while Redis is down mounts from the database.
    late = contexts[1].new_page()
    pk_page = f"/polls/{pk}/"
    late.goto(pk_page)
    expect(late.locator(SOCKET)).to_have_attribute("data-lv-socket", "live")
    vote(late, "Tea")
    # Nothing crossed between the processes meanwhile: each page shows the database as of its
    # own last vote (its own turn re-renders it), not the votes made after.
    expect(a.locator(".total-votes")).to_have_text("3")
    expect(b.locator(".total-votes")).to_have_text("2")
    hold_until(down, REDIS_DOWN_S)
    cluster.redis.start()
    expect_database_shown(cluster, pk, a, b, late, timeout=CONVERGE_MS)
    assert votes_in_db(cluster.sqlite_path, pk) == {"Tea": 2, "Coffee": 2}
    # And changes flow live again, both ways.
    vote(b, "Tea")
    expect_database_shown(cluster, pk, a, b, late, timeout=10_000)
    vote(a, "Coffee")
    expect_database_shown(cluster, pk, a, b, late, timeout=10_000)
    assert votes_in_db(cluster.sqlite_path, pk) == {"Tea": 3, "Coffee": 3}


def test_pages_of_a_killed_server_process_reconnect_and_rerender(
    cluster: Cluster, pages: tuple[Page, Page]
) -> None:
    a, b = pages
    pk = open_poll(cluster, a, b)
    cluster.servers[1].kill()
    expect(b.locator(SOCKET)).to_have_attribute("data-lv-socket", "closed")
    vote(a, "Tea")
    vote(a, "Coffee")
    expect(b.locator(".total-votes")).to_have_text("0")  # its server is gone
    cluster.servers[1].start()
    # htmx reconnects with backoff; the new process renders the page from the database.
    expect_database_shown(cluster, pk, a, b, timeout=CONVERGE_MS)
    vote(b, "Tea")
    expect_database_shown(cluster, pk, a, b, timeout=10_000)
    assert votes_in_db(cluster.sqlite_path, pk) == {"Tea": 2, "Coffee": 1}


@pytest.fixture
def proxied(cluster: Cluster, contexts: tuple[BrowserContext, ...]) -> Iterator[TcpProxy]:
    proxy = TcpProxy(cluster.servers[1].port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


def test_a_browser_offline_for_30_seconds_catches_up(
    cluster: Cluster,
    pages: tuple[Page, Page],
    contexts: tuple[BrowserContext, ...],
    proxied: TcpProxy,
) -> None:
    a, _ = pages
    offline = contexts[1].new_page()  # server B, through the proxy the test can cut
    pk = open_poll(cluster, a)
    offline.goto(f"{proxied.base_url}/polls/{pk}/")
    expect(offline.locator(SOCKET)).to_have_attribute("data-lv-socket", "live")
    vote(offline, "Coffee")
    expect_database_shown(cluster, pk, a, offline, timeout=10_000)
    # Offline: the context's network emulation and the cut of its one route to the server.
    contexts[1].set_offline(True)
    proxied.cut()
    gone = time.monotonic()
    expect(offline.locator(SOCKET)).to_have_attribute("data-lv-socket", "closed")
    vote(a, "Tea")
    vote(a, "Tea")
    expect(offline.locator(".total-votes")).to_have_text("1")
    hold_until(gone, OFFLINE_S)
    proxied.restore()
    contexts[1].set_offline(False)
    expect_database_shown(cluster, pk, a, offline, timeout=CONVERGE_MS + 30_000)
    vote(offline, "Coffee")
    expect_database_shown(cluster, pk, a, offline, timeout=10_000)
    assert votes_in_db(cluster.sqlite_path, pk) == {"Tea": 2, "Coffee": 2}
