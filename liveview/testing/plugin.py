# The pytest plugin (entry point `pytest11`): live_client, asgi_server, liveview_browser and
# browser_page. Imports Django, Playwright and liveview's modules only inside the fixtures.
from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from liveview.testing.client import LiveClient
    from liveview.testing.server import LiveServer

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the fixture then says what is missing
    pytest_asyncio = None  # type: ignore[assignment]

#: Playwright's default timeout for an action on `browser_page`, in milliseconds.
ACTION_TIMEOUT_MS = 10_000


async def _live_client() -> AsyncIterator[LiveClient]:
    """A LiveClient (docs/testing.md); every page it opened is closed after the test."""
    from liveview.testing.client import LiveClient
    from liveview.testing.db import close_sync_thread_connections

    client = LiveClient()
    try:
        yield client
    finally:
        await client.close()
        close_sync_thread_connections()  # the pages' consumers used the ORM there


if pytest_asyncio is not None:
    live_client = pytest_asyncio.fixture(_live_client, name="live_client")
else:  # pragma: no cover

    @pytest.fixture(name="live_client")
    def _no_asyncio() -> None:
        pytest.fail("liveview's live_client fixture needs pytest-asyncio", pytrace=False)


@pytest.fixture(scope="package")
def asgi_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveServer]:
    """settings.ASGI_APPLICATION served by uvicorn on a free loopback port, in this process."""
    pytest.importorskip("uvicorn", reason="asgi_server needs uvicorn")
    from liveview.testing.server import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer()
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _on_ci() -> bool:
    """Whether the `CI` environment variable is set (CI services set it to "true")."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing(reason: str) -> NoReturn:
    """A browser test cannot run: skipped on a developer's machine, failed on CI (where a
    skipped browser suite would pass unseen)."""
    if _on_ci():
        pytest.fail(f"{reason} (CI is set: a browser test fails, not skips)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def liveview_browser(django_db_setup: None) -> Iterator[Any]:
    """Headless Chromium through Playwright's sync API (skips when either is missing; fails
    instead when the `CI` environment variable is set)."""
    try:
        from playwright import sync_api
    except ImportError:
        _missing("liveview_browser needs Playwright: pip install playwright")
    from liveview.testing.browser import NoChromium, launch_chromium

    with sync_api.sync_playwright() as playwright:
        try:
            browser = launch_chromium(playwright)
        except NoChromium as exc:
            _missing(str(exc))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(liveview_browser: Any, asgi_server: LiveServer) -> Iterator[Any]:
    """A Playwright page in a fresh context on `asgi_server`; a JavaScript error fails the test."""
    context = liveview_browser.new_context(base_url=asgi_server.base_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
        yield page
    finally:
        context.close()
    assert not errors, f"uncaught JavaScript errors on the page: {errors}"
