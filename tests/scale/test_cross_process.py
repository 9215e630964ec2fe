"""Two server processes, one Redis: a change made through one shows on the other's pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.scale.conftest import Cluster
from tests.scale.polls import expect_database_shown, open_poll, vote
from tests.scale.support import votes_in_db

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_vote_through_one_process_shows_on_the_other(
    cluster: Cluster, pages: tuple[Page, Page]
) -> None:
    a, b = pages
    pk = open_poll(cluster, a, b)
    vote(a, "Tea")
    expect_database_shown(cluster, pk, a, b, timeout=10_000)
    vote(b, "Coffee")
    vote(b, "Coffee")
    expect_database_shown(cluster, pk, a, b, timeout=10_000)
    assert votes_in_db(cluster.sqlite_path, pk) == {"Tea": 1, "Coffee": 2}
