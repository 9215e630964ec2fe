"""The README's tables agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

from liveview.socket.protocol import CloseCode

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n#", start + len(title))
    return README[start : end if end != -1 else None]


def test_every_close_code_is_documented_and_only_those() -> None:
    rows = re.findall(r"^\| (\d{4}) \|", section("### Close codes"), flags=re.M)
    assert sorted(int(r) for r in rows) == sorted(int(c) for c in CloseCode)


def test_every_setting_read_by_the_code_is_documented() -> None:
    code = "".join(p.read_text() for p in (ROOT / "liveview").rglob("*.py"))
    used = set(re.findall(r'"(LIVEVIEW_[A-Z_]+)"', code))
    documented = set(re.findall(r"^\| `(LIVEVIEW_[A-Z_]+)` \|", section("## Settings"), flags=re.M))
    assert used == documented


SECURITY = (ROOT / "docs" / "security.md").read_text()


def test_the_security_doc_lists_every_close_code_and_only_those() -> None:
    start = SECURITY.index("## Close codes")
    rows = re.findall(r"^\| (\d{4}) \|", SECURITY[start:], flags=re.M)
    assert sorted(int(r) for r in rows) == sorted(int(c) for c in CloseCode)


def test_the_security_doc_lists_every_system_check_and_only_those() -> None:
    code = (ROOT / "liveview" / "checks.py").read_text()
    used = set(re.findall(r'id="(liveview\.[EW]\d{3})"', code))
    documented = set(re.findall(r"^\| `(liveview\.[EW]\d{3})` \|", SECURITY, flags=re.M))
    assert used == documented


def test_the_security_doc_settings_are_in_the_readme() -> None:
    start = SECURITY.index("## Settings")
    rows = set(re.findall(r"^\| `(LIVEVIEW_[A-Z_]+)` \|", SECURITY[start:], flags=re.M))
    documented = set(re.findall(r"^\| `(LIVEVIEW_[A-Z_]+)` \|", section("## Settings"), flags=re.M))
    assert rows and rows <= documented
