"""The README's tables agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

from liveview.protocol import CloseCode

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
