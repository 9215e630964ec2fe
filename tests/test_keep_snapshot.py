"""`keep.snapshot`: the state an event rolls back to is a deep copy, whatever its shape."""

from __future__ import annotations

import copy
from collections import OrderedDict
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


_flat_dicts = st.dictionaries(st.text(max_size=3), _atoms, max_size=6)
_flat_lists = st.lists(_atoms, max_size=6)


@st.composite
def _rows(draw: st.DrawFn) -> list[Any]:
    """A list of flat dicts, flat lists or tuples (or all), some of them in two places."""
    flat = st.one_of(_flat_dicts, _flat_lists, _flat_lists.map(tuple))
    distinct = draw(st.lists(flat, min_size=1, max_size=8))
    picks = st.integers(min_value=0, max_value=len(distinct) - 1)
    return [distinct[i] for i in draw(st.lists(picks, max_size=12))]


def _aliases(items: list[Any]) -> list[list[bool]]:
    return [[a is b for b in items] for a in items]


def _deep_copy_of(taken: Any, state: Any) -> bool:
    """Whether `taken` is `state` copied as deepcopy copies it: equal, and the same object
    exactly where deepcopy keeps it (a tuple of atoms is kept, a list or dict is not)."""
    copied = copy.deepcopy(state)
    if type(taken) is not type(state) or taken != copied:
        return False
    if isinstance(state, list | dict):
        pairs = zip(
            state.values() if isinstance(state, dict) else state,
            taken.values() if isinstance(taken, dict) else taken,
            copied.values() if isinstance(copied, dict) else copied,
            strict=True,
        )
        return all((t is s) == (c is s) for s, t, c in pairs)
    return (taken is state) == (copied is state)


@given(_rows())
def test_rows_copied_keep_their_rows_apart_or_shared_as_they_were(rows: list[Any]) -> None:
    taken = snapshot({"rows": rows})["rows"]
    assert _deep_copy_of(taken, rows)
    assert not set(_containers(taken)) & set(_containers(rows))
    assert _aliases(taken) == _aliases(rows)


@given(_rows())
def test_a_dict_of_rows_keeps_its_rows_apart_or_shared_as_they_were(rows: list[Any]) -> None:
    by_key = {str(i): item for i, item in enumerate(rows)}
    taken = snapshot({"states": by_key})["states"]
    assert _deep_copy_of(taken, by_key) and list(taken) == list(by_key)
    assert not set(_containers(taken)) & set(_containers(by_key))
    assert _aliases(list(taken.values())) == _aliases(list(by_key.values()))


def test_a_row_of_another_type_or_holding_a_container_is_deep_copied() -> None:
    ordered = OrderedDict(a=1)
    nested = {"tags": ["x"]}
    taken = snapshot({"rows": [ordered, nested], "states": {"t": nested}})
    assert type(taken["rows"][0]) is OrderedDict and taken["rows"][0] is not ordered
    nested["tags"].append("y")
    assert taken["rows"][1] == {"tags": ["x"]} and taken["states"] == {"t": {"tags": ["x"]}}


def test_a_tuple_of_atoms_is_kept_as_deepcopy_keeps_it_and_one_holding_a_list_is_copied() -> None:
    pair, holding = (1, "a", None), ([1], "b")
    taken = snapshot({"pair": pair, "holding": holding, "pairs": [pair, (2.5, b"x")]})
    assert taken["pair"] is pair and taken["pairs"][0] is pair
    assert taken["holding"] == holding and taken["holding"][0] is not holding[0]
