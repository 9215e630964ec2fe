# What a component keeps of its own state when it is mounted again: across a change of the data
# it shows (the state its events set, unless the data changed it too) and across a reconnect
# (the attributes it declares in `kept`, carried by the page token, validated like arguments).
from __future__ import annotations

import copy
import typing
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

import pydantic

_IMMUTABLE = (int, float, str, bool, bytes, type(None), frozenset)


#: What a flat list or dict may hold to be copied without `copy.deepcopy` (exact types).
_ATOMS = frozenset({int, float, str, bool, bytes, type(None)})
_DICT_ONLY = frozenset({dict})
_LIST_ONLY = frozenset({list})
_BOTH = frozenset({dict, list})
_TUPLES_ONLY = frozenset({tuple})


def _shared(item: Any) -> Any:
    """A tuple of atoms "copied": deepcopy returns the very tuple too."""
    return item


def _flat(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        return _ATOMS.issuperset(map(type, value.values()))
    return kind is list and _ATOMS.issuperset(map(type, value))


def _flat_items(items: Collection[Any]) -> Callable[[Any], Any] | None:
    """How to copy each of `items` when they are distinct flat dicts (`dict.copy`), distinct
    flat lists (`list.copy`) or tuples of atoms (`_shared`); None when they are not (one item
    in two places: deepcopy keeps it one object). Each check is one C-level pass."""
    kinds = set(map(type, items))
    if kinds == _TUPLES_ONLY:
        return _shared if _ATOMS.issuperset(map(type, chain.from_iterable(items))) else None
    if kinds == _DICT_ONLY:
        held: Iterable[Any] = chain.from_iterable(map(dict.values, items))
        copier: Callable[[Any], Any] = dict.copy
    elif kinds == _LIST_ONLY:
        held, copier = chain.from_iterable(items), list.copy
    elif kinds == _BOTH and all(map(_flat, items)):  # rare: one item at a time
        held, copier = (), copy.copy
    else:
        return None
    if _ATOMS.issuperset(map(type, held)) and len(set(map(id, items))) == len(items):
        return copier
    return None


def _copy(value: Any) -> Any:
    """`copy.deepcopy(value)`, many times faster for the usual shapes of a component's state:
    a flat list or dict of plain values, a list of distinct ones (rows) or a dict of distinct
    flat dicts (a table's state by key), tuples of plain values (shared, as deepcopy shares
    them); anything else, an inner dict in two places too, goes through deepcopy, which keeps
    it one object."""
    kind = type(value)
    if kind is list:
        if _ATOMS.issuperset(map(type, value)):
            return value.copy()
        copier = _flat_items(value)
        if copier is _shared:
            return value.copy()
        return list(map(copier, value)) if copier is not None else copy.deepcopy(value)
    if kind is dict:
        inner = value.values()
        if _ATOMS.issuperset(map(type, inner)):
            return value.copy()
        copier = _flat_items(inner)
        if copier is _shared:
            return value.copy()
        if copier is not None:
            return dict(zip(value, map(copier, inner), strict=True))
    if kind is tuple and _ATOMS.issuperset(map(type, value)):
        return value
    return copy.deepcopy(value)


def snapshot(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of the state to roll back to; immutable values are shared, not copied."""
    return {k: v if isinstance(v, _IMMUTABLE) else _copy(v) for k, v in state.items()}


@dataclass(frozen=True, slots=True)
class Mounted:
    """A component's state as `mount` left it: the objects themselves, and a copy of them (an
    object an event changes in place then differs from its copy)."""

    objects: Mapping[str, Any]
    copies: Mapping[str, Any]

    @classmethod
    def of(cls, state: Mapping[str, Any]) -> Mounted:
        objects = dict(state)
        if all(isinstance(v, _IMMUTABLE) for v in objects.values()):
            return cls(objects=objects, copies=objects)  # nothing to copy: one dict per page
        return cls(objects=objects, copies=snapshot(objects))

    def changed(self, name: str, value: Any) -> bool:
        """Whether `value` (the attribute now) is not what mount left in `name`."""
        if name not in self.copies:
            return True
        if value is self.objects[name] and not _by_value(value):
            return False  # the same object, and no way to see it changed in place
        return not same(value, self.copies[name])


def user_changes(state: Mapping[str, Any], before: Mounted, after: Mounted) -> dict[str, Any]:
    """Of `state` (the attributes before mounting again), what to keep over `after` (the new
    mount): what the component's events changed since `before` (the last mount), unless the
    new mount changed it too (then the data moved on, and the new value wins)."""
    kept = {}
    for name, value in state.items():
        if not before.changed(name, value):
            continue
        data_moved = (
            name in before.copies
            and name in after.copies
            and not same(after.copies[name], before.copies[name])
        )
        if not data_moved:
            kept[name] = value
    return kept


def same(a: Any, b: Any) -> bool:
    """Equal by value when the type compares by value; else only the very same object."""
    if a is b:
        return True
    if not _by_value(a):
        return False
    try:
        return bool(a == b)
    except Exception:  # an __eq__ that refuses (arrays): not known to be the same
        return False


_IDENTITY: object = object.__eq__


def _by_value(value: Any) -> bool:
    return type(value).__eq__ is not _IDENTITY


# -- across reconnects: a component's `kept` attributes, carried by the page token -----------


class KeptStateError(ValueError):
    """Kept state from a page token that does not fit the attributes' declared types."""


_VALIDATORS: dict[type, type[pydantic.BaseModel]] = {}


def kept_values(comp: Any) -> dict[str, Any]:
    """The component's `kept` attributes as they are now (those it has)."""
    return {name: getattr(comp, name) for name in type(comp).kept if hasattr(comp, name)}


def apply_kept(comp: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the component's `kept` attributes from a token's `values`, validated as an event's
    arguments are (by the attributes' annotations); names it does not declare are ignored.
    The values set; KeptStateError (nothing set) when one does not fit."""
    names = type(comp).kept
    chosen = {name: values[name] for name in names if name in values}
    if not chosen:
        return {}
    try:
        parsed = _validator(type(comp)).model_validate(chosen)
    except pydantic.ValidationError as exc:
        raise KeptStateError(f"{type(comp).__name__}: kept state does not fit: {exc}") from None
    applied = {name: getattr(parsed, name) for name in chosen}
    for name, value in applied.items():
        setattr(comp, name, value)
    return applied


def annotation_of(cls: type, name: str) -> Any:
    """The type `name` is annotated with on `cls` (or a base), resolved in its own module."""
    for klass in cls.__mro__:
        annotations = vars(klass).get("__annotations__", {})
        if name in annotations:
            # Only this annotation: the class's others may name types imported for mypy alone.
            alone = type("Kept", (), {"__annotations__": {name: annotations[name]}})
            alone.__module__ = klass.__module__
            try:
                return typing.get_type_hints(alone, localns=dict(vars(klass)))[name]
            except NameError:  # not in its module: a class made by exec() (the doc samples)
                namespace = _globals_of(klass)
                if namespace is None:
                    raise
                return typing.get_type_hints(alone, namespace, dict(vars(klass)))[name]
    raise TypeError(f"{cls.__qualname__}.{name} is not annotated")


def _globals_of(klass: type) -> dict[str, Any] | None:
    """The namespace the class was defined in, through one of its functions (a class made by
    exec(), as the doc samples make them, has no module of its own); None: its module's."""
    for value in vars(klass).values():
        func = getattr(value, "__func__", value)
        namespace = getattr(func, "__globals__", None)
        if isinstance(namespace, dict):
            return namespace
    return None


def _validator(cls: type) -> type[pydantic.BaseModel]:
    model = _VALIDATORS.get(cls)
    if model is None:
        names: tuple[str, ...] = cls.kept  # type: ignore[attr-defined]
        # Each optional (a token may carry some): only the names given are read back.
        fields: dict[str, Any] = {name: (annotation_of(cls, name), None) for name in names}
        model = pydantic.create_model(
            f"{cls.__qualname__}.kept",
            __config__=pydantic.ConfigDict(extra="forbid", allow_inf_nan=False),
            **fields,
        )
        _VALIDATORS[cls] = model
    return model
