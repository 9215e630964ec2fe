"""`keep.snapshot`: the state an event rolls back to is a deep copy, whatever its shape."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from liveview.authoring.keep import snapshot

_atoms = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
)
_values = st.recursive(
    _atoms,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)


def _containers(value: Any) -> list[int]:
    """The ids of every list and dict inside `value`, itself included."""
    found: list[int] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            found.append(id(item))
            stack.extend(item)
        elif isinstance(item, dict):
            found.append(id(item))
            stack.extend(item.values())
    return found


@given(st.dictionaries(st.sampled_from("abc"), _values))
def test_a_snapshot_equals_a_deep_copy_and_shares_no_container(state: dict[str, Any]) -> None:
    taken = snapshot(state)
    assert taken == copy.deepcopy(state)
    assert not set(_containers(list(taken.values()))[1:]) & set(_containers(state))


def test_rows_are_copied_row_by_row() -> None:
    rows = [{"name": "a", "value": 1}, {"name": "b", "value": 2.5, "on": True}]
    taken = snapshot({"rows": rows})["rows"]
    rows[0]["value"] = 99
    rows.append({"name": "c"})
    assert taken == [{"name": "a", "value": 1}, {"name": "b", "value": 2.5, "on": True}]


def test_one_row_in_two_places_stays_one_row() -> None:
    row = {"name": "a"}
    taken = snapshot({"rows": [row, row]})["rows"]
    assert taken == [row, row] and taken[0] is taken[1] and taken[0] is not row
