"""docs/deployment.md's whole recipe, as a deployment runs it: PostgreSQL, Redis, two server
processes behind the documented nginx block and two jobs workers, each process started from the
document (tests/scale/stack.py); Chromium through nginx and on each server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import open_live
from tests.postgres.server import PostgresServer, running_postgres
from tests.scale.polls import expect_database_shown, open_poll, vote
from tests.scale.stack import PostgresCluster, postgres_cluster

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The dashboard's job, shortened (the servers read DASHBOARD_JOB_SECONDS).
JOB_SECONDS = 4.0
#: Every progress value each page's DOM showed, recorded as the swaps land (not sampled).
RECORD_PROGRESS = """() => {
    window.lvProgressSeen = [];
    const note = () => {
        const bar = document.querySelector('.lv-job progress');
        if (bar) window.lvProgressSeen.push(Number(bar.value));
    };
    new MutationObserver(note).observe(document.body, {
        subtree: true, childList: true, attributes: true, characterData: true,
    });
}"""


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """As tests/postgres: missing PostgreSQL skips on a developer's machine, fails in CI."""
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def running_stack(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PostgresCluster]:
    tmp = tmp_path_factory.mktemp("full-recipe")
    with postgres_cluster(postgres, tmp, {"DASHBOARD_JOB_SECONDS": str(JOB_SECONDS)}) as stack:
        yield stack


@pytest.fixture
def cluster(running_stack: PostgresCluster) -> Iterator[PostgresCluster]:
    """This module's cluster (conftest's `pages` puts a page on each of its servers)."""
    running_stack.heal()
    yield running_stack
    print(running_stack.logs())  # shown with a failed test's report only


@pytest.fixture
def proxied_users() -> int:
    """Two users through nginx (conftest's `proxied_pages`), besides `pages`' two."""
    return 2


def job_status(page: Page) -> Locator:
    return page.get_by_role("region", name="Feature selection").get_by_role("status")


def test_the_whole_recipe_on_postgresql_shares_votes_and_jobs_with_every_page(
    cluster: PostgresCluster, proxied_pages: list[Page], pages: tuple[Page, Page]
) -> None:
    # nginx balances the proxied pages' requests and sockets over both servers as it likes;
    # `pages` holds one page on server A and one on server B, so whichever server a vote goes
    # through, a page on the other one must show it.
    everyone = [*proxied_pages, *pages]
    pk = open_poll(cluster, *everyone)
    for page in proxied_pages:
        vote(page, "Tea")
        expect_database_shown(cluster, pk, *everyone, timeout=10_000)
    assert cluster.votes(pk) == {"Tea": 2, "Coffee": 0}

    # A job started from the dashboard through nginx: a worker claims it, and its progress and
    # its end reach every page, through Redis, from the worker's process.
    for page in everyone:
        open_live(page, "/dashboard/")
        page.evaluate(RECORD_PROGRESS)
        expect(page.get_by_text("No job yet.")).to_be_visible()
    proxied_pages[0].get_by_role("button", name="Run feature selection").click()
    for page in everyone:
        expect(job_status(page)).to_have_text("Done", timeout=int(JOB_SECONDS * 1000) + 30_000)
    seen = [page.evaluate("window.lvProgressSeen") for page in everyone]
    for values in seen:
        assert any(0 < value < 100 for value in values), seen  # progress, not only the end
        assert values[-1] == 100, seen
    summary = proxied_pages[0].get_by_role("region", name="Results").get_by_text("Run #")
    for page in everyone:
        results = page.get_by_role("region", name="Results")
        expect(results.get_by_text("Run #")).to_have_text(summary.inner_text())
    claims = cluster.query(
        "SELECT j.status, t.worker_ids FROM liveview_job j"
        " JOIN django_tasks_database_dbtaskresult t ON t.id::text = j.task_id"
    )
    assert len(claims) == 1, claims
    ((status, worker_ids),) = claims
    assert status == "done"
    assert len(worker_ids) == 1 and worker_ids[0] in {w.worker_id for w in cluster.workers}
    assert all(worker.running for worker in cluster.workers)
