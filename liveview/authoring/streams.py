# Streams: a component's long list rendered item by item, its items inserted, updated and
# deleted by key without the list staying in server memory (docs/streams.md).
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

#: A stream's name: a DOM id part and a template's argument.
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
#: A key shown as is in its item's DOM id; any other key is hashed (ids are CSS selectors).
_SAFE_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")

At = Literal[0, -1]


@dataclass(frozen=True, slots=True)
class Stream:
    """A stream a component declares: how an item's key is read, where new items go, how many
    the page keeps (the oldest leave the other end; None: all)."""

    #: The item's attribute (or dict key) holding its key, or a function of the item.
    key: str | Callable[[Any], object] = "pk"
    #: 0: new items at the top; -1: at the bottom.
    at: At = -1
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.at not in (0, -1):
            raise ValueError(f"Stream(at={self.at!r}): 0 (the top) or -1 (the bottom)")
        if self.limit is not None and (not isinstance(self.limit, int) or self.limit < 1):
            raise ValueError(f"Stream(limit={self.limit!r}): a positive number or None")

    def key_of(self, item: object) -> str:
        """The item's key as text."""
        if callable(self.key):
            value = self.key(item)
        elif isinstance(item, dict):
            value = item[self.key]
        else:
            value = getattr(item, self.key)
        return str(value)


def key_id(key: str) -> str:
    """The DOM id part of a key: the key itself when it is plain, else a hash of it (after two
    hyphens, which a plain key never holds)."""
    if _SAFE_KEY.fullmatch(key):
        return key
    return "-" + hashlib.sha256(key.encode()).hexdigest()[:24]


@dataclass(slots=True)
class Op:
    """One change to a stream, waiting for the component's next render."""

    kind: Literal["insert", "delete"]
    stream: str
    key: str
    item: object = None
    at: At = -1


@dataclass(slots=True)
class StreamState:
    """What the server holds of one stream between renders: nothing but the next render's
    window (dropped once rendered) and the changes not sent yet."""

    #: The items the next render shows in full (a reset); None: the page keeps what it has.
    window: Iterable[Any] | None = None
    #: The next render shows the stream in full (a mount, a connect, a reset).
    full: bool = True
    #: The full window replaces what the page shows (`stream_reset`): once the page has the
    #: component, its items go as one part into the kept container, not in the whole.
    refill: bool = False
    #: That part's items, rendered and waiting for the next flush.
    refilled: str | None = None
    ops: list[Op] = field(default_factory=list)


class Streams:
    """The stream methods of `LiveComponent` (its base): declare `streams`, fill them in
    `mount`, change them in handlers and `resource_changed`."""

    #: The component's streams by name.
    streams: ClassVar[dict[str, Stream]] = {}
    #: Templates its template includes that hold a `{% live_stream %}` (a change renders one
    #: item with it): the component's own template is always searched.
    stream_templates: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("streams")
        if declared is None:
            return
        if not isinstance(declared, dict):
            raise TypeError(f"{cls.__qualname__}.streams is a dict: {{'items': Stream(...)}}")
        for name, stream in declared.items():
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                raise TypeError(
                    f"{cls.__qualname__}.streams: {name!r} is not a stream name "
                    "(lower-case letters, digits and _, a letter first)"
                )
            if not isinstance(stream, Stream):
                raise TypeError(f"{cls.__qualname__}.streams[{name!r}] is not a Stream(...)")

    def stream_declared(self, name: str) -> Stream | None:
        """The stream `name` of this component (None: none): the class's `streams` entry. A
        component whose streams depend on what it shows (a DataPage's tables) overrides it."""
        declared = type(self).streams
        return declared.get(name) if isinstance(declared, dict) else None

    def stream_item_context(self) -> dict[str, Any] | None:
        """What an item's template sees when a change sends the item alone, besides the item
        and `lv`; None (the default): the component's whole context (its state and
        `extra_context()`). Override when that context is costly and the items need none."""
        return None

    def stream(self, name: str, items: Iterable[Any]) -> None:
        """The stream's items as the next render shows them in full (call it in `mount`: every
        connect and reconnect renders them from the database). Read once, then dropped."""
        state = stream_state(self, name)
        state.window, state.full, state.refill, state.refilled = items, True, False, None
        state.ops = []

    def stream_reset(self, name: str, items: Iterable[Any] = ()) -> None:
        """Replace every item the page shows with `items` (a new sort or filter): one part
        with the items, the rest of the component sent only where it changed."""
        self.stream(name, items)
        stream_state(self, name).refill = True

    def stream_insert(self, name: str, item: object, at: At | None = None) -> None:
        """Send `item`: a new one at the top (`at=0`) or the bottom (`at=-1`, the stream's
        default when None); one whose key the page shows is updated in place."""
        declared = stream_of(self, name)
        where = declared.at if at is None else at
        if where not in (0, -1):
            raise ValueError(f"stream_insert(at={at!r}): 0 (the top) or -1 (the bottom)")
        key = declared.key_of(item)
        stream_state(self, name).ops.append(Op("insert", name, key, item, where))

    def stream_delete(self, name: str, item_or_key: object) -> None:
        """Remove the item (or the item with this key) from the page."""
        declared = stream_of(self, name)
        plain = isinstance(item_or_key, (str, int)) and not isinstance(item_or_key, bool)
        key = str(item_or_key) if plain else declared.key_of(item_or_key)
        stream_state(self, name).ops.append(Op("delete", name, key))


def stream_of(comp: object, name: str) -> Stream:
    declared = getattr(type(comp), "streams", {})
    lookup = getattr(comp, "stream_declared", None)
    if lookup is not None:
        found = lookup(name)
    else:
        found = declared.get(name) if isinstance(declared, dict) else None
    if not isinstance(found, Stream):
        names = ", ".join(sorted(declared)) if isinstance(declared, dict) else ""
        raise LookupError(
            f"{type(comp).__name__} declares no stream {name!r} (streams = {{{names}}}); "
            "declare it: streams = {'items': Stream(...)}"
        )
    if not _NAME.fullmatch(name):
        raise ValueError(f"stream name {name!r}: lower-case letters, digits and _")
    return found


def stream_state(comp: object, name: str) -> StreamState:
    """The stream's state, made when first needed (for a stream the component declares), in
    the page's record of `comp` (not on the component: not its state)."""
    record = comp._lv  # type: ignore[attr-defined]  # a LiveComponent's (a Streams mixin's)
    states: dict[str, StreamState] | None = record.streams
    state = states.get(name) if states is not None else None
    if state is None:
        stream_of(comp, name)
        if states is None:
            states = record.streams = {}
        state = states[name] = StreamState()
    return state


def has_streams(comp: object) -> bool:
    """Whether the component declares a stream or has shown one (a DataPage's stream table)."""
    if getattr(type(comp), "streams", None):
        return True
    record = getattr(comp, "_lv", None)
    return bool(getattr(record, "streams", None))
