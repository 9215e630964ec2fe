# Chromium for browser tests: Playwright's own when it is installed, else Debian's package, with
# the flags a container needs. Imports Playwright only when called.
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class NoChromium(RuntimeError):
    pass


def chromium_executable(playwright: Playwright) -> Path | None:
    """None to use Playwright's own Chromium; Debian's when that is not installed."""
    own = playwright.chromium.executable_path
    if own and Path(own).is_file():
        return None
    if DEBIAN_CHROMIUM.is_file():
        return DEBIAN_CHROMIUM
    raise NoChromium(
        "No Chromium for the browser tests: neither Playwright's own "
        f"({own}) nor Debian's ({DEBIAN_CHROMIUM}) is installed. "
        "Run `playwright install chromium` or `apt-get install chromium`."
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium (raises NoChromium with what to install when there is none)."""
    executable = chromium_executable(playwright)
    return playwright.chromium.launch(
        headless=True,
        executable_path=str(executable) if executable else None,
        args=CHROMIUM_ARGS,
    )
