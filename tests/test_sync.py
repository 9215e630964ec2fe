"""The sync table, keyed by (uri, etag, dirty)."""

from __future__ import annotations

import pytest

from liveview.batteries.sync import Sync, decide


@pytest.mark.parametrize(
    ("known", "incoming", "dirty", "expected"),
    [
        ("a", "a", False, Sync.NOTHING),
        ("a", "b", False, Sync.RELOAD),
        ("a", "a", True, Sync.NOTHING),
        ("a", "b", True, Sync.CONFLICT),
        ("a", None, False, Sync.RELOAD),
        ("a", None, True, Sync.CONFLICT),
    ],
)
def test_the_table(known: str, incoming: str | None, dirty: bool, expected: Sync) -> None:
    assert decide(known, incoming, dirty=dirty) is expected


def test_a_new_form_creates() -> None:
    assert decide(None, "b", dirty=True, new=True) is Sync.CREATE
