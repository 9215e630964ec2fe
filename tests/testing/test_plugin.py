"""The pytest plugin, as another project gets it: installed through its entry point, run in a
fresh pytest process against this repository's demo project."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

INI = """[pytest]
DJANGO_SETTINGS_MODULE = project.settings
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

LIVE_CLIENT = """
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


async def test_counter(live_client):
    page = await live_client.open("/counter/")
    await page.click("[aria-label='First counter'] button", text="Increment")
    assert page.text("[aria-label='First counter'] output") == "1"
"""

SERVER = """
import urllib.request


def test_server(asgi_server):
    assert asgi_server.base_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(asgi_server.url("/counter/"), timeout=10) as response:
        assert b"First counter" in response.read()
"""

BROWSER_PAGE = """
from playwright.sync_api import expect


def test_counter_in_chromium(browser_page):
    browser_page.goto("/counter/")
    browser_page.wait_for_selector("body[data-lv-socket=live]", state="attached")
    first = browser_page.get_by_role("region", name="First counter")
    first.get_by_role("button", name="Increment").click()
    expect(first.get_by_role("status")).to_have_text("1")
"""

BROWSER = """
def test_page(browser_page):
    raise AssertionError("must not run: there is no Playwright or no Chromium")
"""

#: Makes Chromium unavailable in the run: Debian's is looked for where there is none, and
#: Playwright's own browsers in an empty directory.
NO_CHROMIUM = """
from pathlib import Path

from liveview.testing import browser

browser.DEBIAN_CHROMIUM = Path(__file__).parent / "no-chromium"
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makefile(".ini", pytest=INI)
    return pytester


def test_live_client_and_asgi_server_work_in_another_project(project: pytest.Pytester) -> None:
    project.makepyfile(test_live=LIVE_CLIENT, test_server=SERVER)
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_counter PASSED*", "*test_server PASSED*"])


def test_browser_fixtures_skip_with_a_reason_without_playwright(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    # An empty `playwright` package shadows the installed one: no playwright.sync_api.
    project.mkpydir("playwright")
    project.makepyfile(test_browser=BROWSER)
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*liveview_browser needs Playwright*"])


def test_browser_fixtures_fail_under_ci_without_playwright(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    project.mkpydir("playwright")
    project.makepyfile(test_browser=BROWSER)
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*liveview_browser needs Playwright*CI is set*"])


def no_chromium(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(project.path / "no-browsers"))
    project.makeconftest(NO_CHROMIUM)
    project.makepyfile(test_browser=BROWSER)


def test_browser_fixtures_skip_with_a_reason_without_chromium(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    no_chromium(project, monkeypatch)
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*No Chromium for the browser tests*"])


def test_browser_fixtures_fail_under_ci_without_chromium(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    no_chromium(project, monkeypatch)
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*No Chromium for the browser tests*CI is set*"])


@pytest.mark.browser
def test_browser_page_drives_chromium_on_the_asgi_server(project: pytest.Pytester) -> None:
    project.makepyfile(test_browser=BROWSER_PAGE)
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1)
