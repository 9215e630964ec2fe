"""The production recipe: nginx (docs/deployment.md's block) in front of two server processes
and Redis, round-robin, no sticky sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.scale.conftest import Cluster
from tests.scale.nginx import Nginx
from tests.scale.polls import expect_database_shown, open_poll, vote
from tests.scale.support import manage, votes_in_db

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def nginx(cluster: Cluster, tmp_path: Path) -> Iterator[Nginx]:
    static_root = tmp_path / "static"
    manage({**cluster.env, "DJANGO_STATIC_ROOT": str(static_root)}, "collectstatic", "--noinput")
    proxy = Nginx(tmp_path, [s.port for s in cluster.servers], static_root)
    proxy.start()
    yield proxy
    proxy.stop()
    print(proxy.log())  # shown with a failed test's report only


@pytest.fixture
def proxied_pages(browser: Browser, nginx: Nginx) -> Iterator[list[Page]]:
    """Three users, each in a context of its own, all through nginx."""
    contexts = [browser.new_context(base_url=nginx.base_url) for _ in range(3)]
    for context in contexts:
        context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def test_pages_behind_nginx_share_every_change_without_sticky_sessions(
    cluster: Cluster, nginx: Nginx, proxied_pages: list[Page]
) -> None:
    # nginx balances each request and each socket round-robin over the two processes: a page's
    # HTTP render and its socket, and the three pages, land on either.
    pk = open_poll(cluster, *proxied_pages)
    for page in proxied_pages:
        vote(page, "Tea")
        expect_database_shown(cluster, pk, *proxied_pages, timeout=10_000)
    assert votes_in_db(cluster.sqlite_path, pk) == {"Tea": 3, "Coffee": 0}
    # Static files come from nginx's alias (collectstatic), not from the server processes.
    assert proxied_pages[0].request.get("/static/liveview/liveview.js").ok
