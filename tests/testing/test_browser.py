"""Chromium detection: Playwright's own first, Debian's next, else a clear error."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from liveview.testing import browser
from liveview.testing.browser import NoChromium, chromium_executable


def installed(own: Path) -> Any:
    """What chromium_executable reads of Playwright: where its own Chromium would be."""
    return SimpleNamespace(chromium=SimpleNamespace(executable_path=str(own)))


def test_playwrights_own_chromium_comes_first(tmp_path: Path) -> None:
    own = tmp_path / "chrome"
    own.touch()
    assert chromium_executable(installed(own)) is None


def test_debians_chromium_is_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    debian = tmp_path / "chromium"
    debian.touch()
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", debian)
    assert chromium_executable(installed(tmp_path / "missing")) == debian


def test_no_chromium_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", tmp_path / "none")
    with pytest.raises(NoChromium, match="playwright install chromium"):
        chromium_executable(installed(tmp_path / "missing"))
