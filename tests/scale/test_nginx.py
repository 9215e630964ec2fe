"""The production recipe: nginx (docs/deployment.md's block) in front of two server processes
and Redis, round-robin, no sticky sessions."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.scale.conftest import Cluster
from tests.scale.nginx import Nginx
from tests.scale.polls import expect_database_shown, open_poll, vote
from tests.scale.support import votes_in_db

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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
