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
from tests.scale.nginx import Nginx
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


@pytest.fixture
def nginx(cluster: Cluster, tmp_path: Path) -> Iterator[Nginx]:
    """docs/deployment.md's nginx block in front of `cluster`'s servers, serving its static files.

    It proxies whichever `cluster` the test module uses (test_full_recipe.py's is PostgreSQL's).
    """
    static_root = tmp_path / "static"
    manage({**cluster.env, "DJANGO_STATIC_ROOT": str(static_root)}, "collectstatic", "--noinput")
    proxy = Nginx(tmp_path, [s.port for s in cluster.servers], static_root)
    proxy.start()
    yield proxy
    proxy.stop()
    print(proxy.log())  # shown with a failed test's report only


@pytest.fixture
def proxied_users() -> int:
    """How many users `proxied_pages` opens; a test module overrides it to open fewer."""
    return 3


@pytest.fixture
def proxied_pages(browser: Browser, nginx: Nginx, proxied_users: int) -> Iterator[list[Page]]:
    """`proxied_users` users, each in a browser context of its own, all through nginx."""
    opened = [browser.new_context(base_url=nginx.base_url) for _ in range(proxied_users)]
    for context in opened:
        context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        yield [context.new_page() for context in opened]
    finally:
        for context in opened:
            context.close()
