"""Two server processes, one redis-server, one SQLite file; Chromium on either of them.

The cluster lives for the whole package (starting it costs seconds); the fault tests stop and
restart its parts, and `cluster` starts again whatever a failed test left stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from liveview.testing.browser import launch_chromium
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.scale.support import (
    RedisServer,
    ServerProcess,
    manage,
    server_env,
    votes_in_db,
    write_secret_env,
)


@dataclass
class Cluster:
    redis: RedisServer
    servers: tuple[ServerProcess, ServerProcess]
    sqlite_path: Path
    env: dict[str, str]

    def heal(self) -> None:
        if not self.redis.running:
            self.redis.start()
        for server in self.servers:
            if not server.running:
                server.start()

    def votes(self, poll_id: int) -> dict[str, int]:
        """What the database holds for the poll: choice -> votes."""
        return votes_in_db(self.sqlite_path, poll_id)

    def logs(self) -> str:
        return "\n".join(f"--- {s.name} ---\n{s.log()}" for s in self.servers)


@pytest.fixture(scope="package")
def running_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("scale")
    redis = RedisServer(tmp / "redis.log")
    redis.start()
    sqlite_path = tmp / "db.sqlite3"
    env = server_env(sqlite_path, redis.url, write_secret_env(tmp / "secret.env"))
    manage(env, "migrate", "--noinput", "-v", "0")
    servers = (
        ServerProcess("server-a", env, tmp / "server-a.log"),
        ServerProcess("server-b", env, tmp / "server-b.log"),
    )
    cluster = Cluster(redis, servers, sqlite_path, env)
    try:
        cluster.heal()
        yield cluster
    finally:
        for server in servers:
            server.stop()
        redis.stop()


@pytest.fixture
def cluster(running_cluster: Cluster) -> Iterator[Cluster]:
    running_cluster.heal()
    yield running_cluster
    print(running_cluster.logs())  # shown with a failed test's report only


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def contexts(browser: Browser, cluster: Cluster) -> Iterator[tuple[BrowserContext, ...]]:
    """One browser context (one user) per server process, each on its own server."""
    opened = [browser.new_context(base_url=s.base_url) for s in cluster.servers]
    for context in opened:
        context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        yield tuple(opened)
    finally:
        for context in opened:
            context.close()


@pytest.fixture
def pages(contexts: tuple[BrowserContext, ...]) -> Iterator[tuple[Page, Page]]:
    """A page on server A and one on server B; an uncaught JavaScript error fails the test."""
    errors: list[str] = []
    a, b = (context.new_page() for context in contexts)
    for page in (a, b):
        page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    yield a, b
    assert not errors, f"uncaught JavaScript errors on the pages: {errors}"
