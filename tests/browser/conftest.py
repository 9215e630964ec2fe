"""Fixtures for the real-browser suite: an in-process uvicorn server, Chromium, and the three
htmx builds every page must work under (docs/htmx.md): htmx 2 and 4.0.0-beta6 as django-htmx
ships them, and htmx 4.0.x fetched by `make htmx`.

The server runs `project.asgi.application` in a background thread with its own event loop, in
this process, so it sees the test database and the settings the `settings` fixture changes.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.fixtures import Settings
from pytest_django.plugin import DjangoDbBlocker

from liveview.testing import htmx_builds
from liveview.testing.browser import NoChromium, launch_chromium
from liveview.testing.server import LiveServer

ACTION_TIMEOUT_MS = 10_000

# The server, Playwright and Chromium live as long as this package's tests ("package" scope is
# the browser suite's session): Playwright's sync API keeps an asyncio loop running in the test
# thread while it is started, and every async test run after it, in the rest of the suite,
# would fail with "Cannot run the event loop while another loop is running".


@pytest.fixture(scope="package")
def server(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[LiveServer]:
    """One real ASGI server for the browser suite, with the test database unblocked for it.

    The database is pytest-django's test database (SQLite in memory, shared by the threads of
    this process). It is not flushed between tests: the demos write nothing to it, and the
    test thread cannot use the ORM while Playwright runs (see `playwright` below).
    """
    with django_db_blocker.unblock():
        live = LiveServer()
        live.start()
        try:
            # The demo serves static files itself (ASGIStaticFilesHandler): no htmx, no live page.
            url = live.url("/static/django_htmx/htmx-4.min.js")
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status != 200:
                    raise RuntimeError(f"static files are not served: HTTP {response.status}")
            yield live
        finally:
            live.stop()


#: The builds, by test id: htmx 2 and 4.0.0-beta6 from django-htmx, 4.0.x from the cache.
HTMX_BUILDS = ("htmx2", "htmx4beta", "htmx4")


@pytest.fixture(params=HTMX_BUILDS)
def htmx_version(request: pytest.FixtureRequest, settings: Settings) -> str:
    """The htmx build the pages load (one of HTMX_BUILDS); the server reads it at render time.

    htmx 4.0.x is served from `make htmx`'s cache through STATICFILES_DIRS (changing it clears
    the static files finders' cache) and LIVEVIEW_HTMX_SCRIPTS; its absence fails the test.
    """
    build: str = request.param
    settings.LIVEVIEW_HTMX_VERSION = 2 if build == "htmx2" else 4
    settings.LIVEVIEW_HTMX_SCRIPTS = None
    if build == "htmx4":
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, *htmx4_static()]
        settings.LIVEVIEW_HTMX_SCRIPTS = tuple(
            f"{HTMX4_PREFIX}/{script}" for script in htmx_builds.SCRIPTS
        )
    return build


#: Where the htmx 4.0.x build is served, under STATIC_URL.
HTMX4_PREFIX = "htmx-4.0.x"


def htmx4_static() -> list[tuple[str, str]]:
    """The STATICFILES_DIRS entry serving the cached htmx 4.0.x build; fails without one."""
    build = htmx_builds.cached()
    if build is None:
        pytest.fail(
            f"no htmx 4.0.x build in {htmx_builds.cache_dir()}: run `make htmx` "
            f"(python -m liveview.testing.htmx_builds)",
            pytrace=False,
        )
    return [(HTMX4_PREFIX, str(build))]


@pytest.fixture(scope="package")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    """Playwright's sync API, started after the test database exists and stopped before it goes.

    While it is started, Playwright keeps an asyncio loop running in this thread, so Django's
    async-safety check refuses ORM calls from the test thread (SynchronousOnlyOperation).
    """
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium as liveview.testing finds it; this suite fails, not skips, without one."""
    try:
        browser = launch_chromium(playwright)
    except NoChromium as exc:
        pytest.fail(f"{exc} (`make browser` installs Debian's)", pytrace=False)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="package")
def liveview_browser(browser: Browser) -> Browser:
    """The plugin's browser fixture (its `browser_page`, docs/testing.md's samples) is this
    suite's Chromium: one Playwright per thread."""
    return browser


@pytest.fixture(scope="package")
def asgi_server(server: LiveServer) -> LiveServer:
    """The plugin's server fixture is this suite's server."""
    return server


@pytest.fixture
def context(
    request: pytest.FixtureRequest, browser: Browser, server: LiveServer
) -> Iterator[BrowserContext]:
    """A fresh browser context on the server; its pages resolve paths like "/counter/"."""
    if "htmx_version" in request.fixturenames:
        # Set the version before the context opens and restore it only after it is closed, so
        # no frame (a late reconnect, say) is ever rendered for the other htmx version.
        request.getfixturevalue("htmx_version")
    context = browser.new_context(base_url=server.base_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A fresh page; an uncaught JavaScript error on it fails the test."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    yield page
    assert not errors, f"uncaught JavaScript errors on the page: {errors}"
