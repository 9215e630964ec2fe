"""docs/data.md agrees with liveview.data."""

from __future__ import annotations

import re
from pathlib import Path

import liveview.data
from liveview.data import Block

DOC = (Path(__file__).resolve().parents[2] / "docs" / "data.md").read_text()


def test_the_blocks_table_lists_every_exported_block_and_only_those() -> None:
    start = DOC.index("## Blocks")
    documented = set(re.findall(r"^\| `(\w+)\(", DOC[start:], flags=re.M))
    exported = {
        name
        for name in liveview.data.__all__
        if isinstance(getattr(liveview.data, name), type)
        and issubclass(getattr(liveview.data, name), Block)
        and name != "Block"
    }
    assert documented == exported


def test_every_public_name_is_mentioned_in_the_doc() -> None:
    missing = [name for name in liveview.data.__all__ if f"`{name}" not in DOC and name != "Block"]
    assert missing == []
