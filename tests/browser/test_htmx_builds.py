"""Which htmx a page loaded: the glue follows its build, and reports a mismatch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django.fixtures import Settings

from liveview.testing import htmx_builds
from tests.browser.conftest import HTMX4_PREFIX, htmx4_static
from tests.browser.support import count_of, counter, open_live

pytestmark = pytest.mark.browser


def test_htmx_4_0_x_under_django_htmx_file_names_is_live(
    page: Page, settings: Settings, tmp_path: Path
) -> None:
    """Regression (issue 11): a project that upgrades django-htmx to htmx 4.0.x, or serves its
    own 4.0.x under django-htmx's file names, keeps working: clicks count, none is refused."""
    ((_, build),) = htmx4_static()
    static = tmp_path / "django_htmx"
    (static / "ext").mkdir(parents=True)
    shutil.copy(Path(build) / "htmx.min.js", static / "htmx-4.min.js")
    shutil.copy(Path(build) / "ext" / "hx-ws.min.js", static / "ext" / "hx-ws-4.min.js")
    settings.LIVEVIEW_HTMX_VERSION = 4
    settings.STATICFILES_DIRS = [str(tmp_path)]  # found before django-htmx's own files

    open_live(page, "/counter/")
    assert page.evaluate("htmx.version").startswith("4.0.") and "beta" not in page.evaluate(
        "htmx.version"
    )
    first = counter(page, "First counter")
    for expected in ("1", "2", "3"):
        first.get_by_role("button", name="Increment").click()
        expect(count_of(first)).to_have_text(expected)
    expect(page.locator(".lv-error")).to_have_count(0)


def test_a_page_that_loaded_another_htmx_major_says_so(page: Page, settings: Settings) -> None:
    """Rendered for htmx 2 but loading htmx 4: an error in the console and, under DEBUG, on
    the page, naming both versions."""
    settings.DEBUG = True
    settings.LIVEVIEW_HTMX_VERSION = 2
    settings.STATICFILES_DIRS = htmx4_static()
    settings.LIVEVIEW_HTMX_SCRIPTS = tuple(f"{HTMX4_PREFIX}/{s}" for s in htmx_builds.SCRIPTS)
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "liveview" in message.text:
            errors.append(message.text)

    page.on("console", console)
    page.goto("/counter/")
    notice = page.locator(".lv-htmx-notice")
    expect(notice).to_contain_text("loaded htmx 4.0.")
    expect(notice).to_contain_text("rendered for htmx 2")
    assert len(errors) == 1 and "loaded htmx 4.0." in errors[0], errors


def test_without_debug_the_mismatch_is_only_in_the_console(page: Page, settings: Settings) -> None:
    settings.LIVEVIEW_HTMX_VERSION = 2
    settings.STATICFILES_DIRS = htmx4_static()
    settings.LIVEVIEW_HTMX_SCRIPTS = tuple(f"{HTMX4_PREFIX}/{s}" for s in htmx_builds.SCRIPTS)
    with page.expect_console_message(lambda m: "rendered for htmx 2" in m.text) as message:
        page.goto("/counter/")
    assert message.value.type == "error"
    expect(page.locator(".lv-htmx-notice")).to_have_count(0)


def test_a_page_whose_htmx_did_not_load_says_so(page: Page, settings: Settings) -> None:
    settings.DEBUG = True
    settings.LIVEVIEW_HTMX_SCRIPTS = ("htmx/missing/htmx.min.js",)
    page.goto("/counter/")
    expect(page.locator(".lv-htmx-notice")).to_contain_text("htmx did not load")
