"""`liveview.pubsub.publish.turn`: the event's turn is current inside its block only."""

from __future__ import annotations

import pytest

from liveview.pubsub.publish import Turn, current_origin, turn


def test_a_turn_is_current_inside_its_block_only() -> None:
    assert current_origin() is None
    with turn("page-a") as outer:
        assert isinstance(outer, Turn) and outer.origin == "page-a" and outer.changes == []
        assert current_origin() == "page-a"
        with turn("page-b"):
            assert current_origin() == "page-b"
        assert current_origin() == "page-a"
    assert current_origin() is None


def test_a_failing_block_still_ends_its_turn() -> None:
    with pytest.raises(RuntimeError, match="boom"), turn("page-a"):
        raise RuntimeError("boom")
    assert current_origin() is None
