# What the server knows about each supported htmx, in one place: the attributes a page carries,
# the out-of-band swap markup of a fragment, the frames each build's ws extension sends. Its
# browser half is the glue's BUILDS table (static/liveview/liveview.js). See docs/htmx.md.
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from liveview.core import conf

DialectName = Literal["2", "4"]
#: The swaps a stream's parts use: an item in at the bottom or the top, an item out.
StreamSwap = Literal["beforeend", "afterbegin", "delete", "innerHTML"]

#: The header keys the ws extensions put beside the values (htmx 2: upper case).
_HEADER_KEYS = ("HEADERS", "headers")


@dataclass(frozen=True, slots=True)
class FrameShape:
    """How one htmx build's ws extension frames an event: where the values and headers go."""

    #: The builds that send it, as docs/htmx.md names them.
    name: str
    headers_key: str
    #: The key holding the values, or None: the values are the frame's own keys.
    body_key: str | None = None

    def frame(self, values: Mapping[str, Any], headers: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON object this build sends for `values` (what liveview.testing sends)."""
        if self.body_key is None:
            return {**values, self.headers_key: dict(headers)}
        return {self.headers_key: dict(headers), self.body_key: dict(values)}

    def unwrap(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], object] | None:
        """(values, headers) when `data` is in this shape, else None."""
        if self.body_key is not None:
            body = data.get(self.body_key)
            if not (isinstance(body, dict) and set(data) <= {self.headers_key, self.body_key}):
                return None
            values, headers = dict(body), data.get(self.headers_key)
        elif self.headers_key in data:
            values, headers = dict(data), data[self.headers_key]
        else:
            return None
        for key in _HEADER_KEYS:  # a header key is never a value, whichever build sent it
            values.pop(key, None)
        return values, headers


#: htmx 2 with htmx-ext-ws: `{...values, "HEADERS": {...}}`.
HTMX2_FRAME = FrameShape("htmx 2", "HEADERS")
#: htmx 4.0.0-beta6 (django-htmx 1.29's `htmx-4`): `{"headers": {...}, "body": {...values}}`.
HTMX4_BETA_FRAME = FrameShape("htmx 4.0.0-beta", "headers", "body")
#: htmx 4.0.x (npm's `htmx.org@4.0`): `{...values, "headers": {...}}`.
HTMX4_FRAME = FrameShape("htmx 4.0.x", "headers")

#: Every shape the server parses, the one tried first first: whatever htmx a page has loaded,
#: its events are understood (a mismatch with the setting is reported by the glue).
FRAME_SHAPES = (HTMX4_BETA_FRAME, HTMX2_FRAME, HTMX4_FRAME)


def unwrap(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values and headers of an event frame in any supported shape.

    A frame with no header key at all is read as values only (as 4.0.x's shape, no headers).
    """
    for shape in FRAME_SHAPES:
        found = shape.unwrap(data)
        if found is not None:
            values, headers = found
            return values, headers if isinstance(headers, dict) else {}
    return dict(data), {}


@dataclass(frozen=True, slots=True)
class Dialect:
    """One supported htmx major version, as the server renders and parses for it."""

    name: DialectName
    #: The attribute of the element holding the page's socket (the glue sets it on <body>).
    connect_attr: str
    #: The attribute `{% live %}` puts on a bound element.
    send_attr: str
    #: The `hx-ext` value the socket's element needs, or None (htmx 4 needs none).
    extension: str | None
    #: hx-swap-oob of a component's fragment (and of the epoch element).
    oob_swap: str
    #: Whether that swap morphs (keeps the focused input, the element under the pointer).
    morphs: bool
    #: The frame shapes its builds send, the one django-htmx ships first.
    frames: tuple[FrameShape, ...]
    #: hx-swap-oob of an element replaced outright (the redirect element).
    oob_replace: str = "outerHTML"
    #: Whether a partial swap's content is parsed inside a <template> (any element fits, table
    #: rows too) rather than inside a wrapper <div> (docs/updates.md).
    partial_any_context: bool = False

    @property
    def major(self) -> int:
        return int(self.name)

    def swap_oob(self) -> str:
        """The hx-swap-oob attribute of a component's fragment, with its leading space."""
        return f' hx-swap-oob="{self.oob_swap}"'

    def targeted(self, style: StreamSwap, element_id: str, inner: str = "") -> str:
        """A stream's part: `inner` swapped with `style` at the element `element_id` (an id the
        framework made, safe in a selector). htmx 2's ws extension swaps each top-level element
        out of band: a <template> parses any content (a table row too), the glue hands htmx its
        content. htmx 4 swaps an <hx-partial>'s content."""
        if self.major == 2:
            return f'<template hx-swap-oob="{style}:#{element_id}">{inner}</template>'
        return f'<hx-partial hx-target="#{element_id}" hx-swap="{style}">{inner}</hx-partial>'

    def partial(self, style: str, selector: str, content: str, tag: str) -> str:
        """A partial swap: `content` put at `selector` with `style` (innerHTML, outerHTML,
        beforeend, afterbegin); for outerHTML `content` is one element of tag `tag`."""
        if self.morphs:  # htmx 4: <hx-partial>, parsed in a <template>; morphing where it can
            swap = _MORPHED.get(style, style)
            return f'<hx-partial hx-target="{selector}" hx-swap="{swap}">{content}</hx-partial>'
        if style == "outerHTML":  # htmx 2 swaps the element itself, its hx-swap-oob removed
            head = len(tag) + 1
            return f'{content[:head]} hx-swap-oob="outerHTML:{selector}"{content[head:]}'
        return f'<div hx-swap-oob="{style}:{selector}">{content}</div>'


#: htmx 4's morphing form of a swap style.
_MORPHED = {"innerHTML": "innerMorph", "outerHTML": "outerMorph"}


HTMX2 = Dialect(
    name="2",
    connect_attr="ws-connect",
    send_attr="ws-send",
    extension="ws",
    oob_swap="true",
    morphs=False,
    frames=(HTMX2_FRAME,),
)

HTMX4 = Dialect(
    name="4",
    connect_attr="hx-ws:connect",
    send_attr="hx-ws:send",
    extension=None,
    oob_swap="outerMorph",
    morphs=True,
    frames=(HTMX4_BETA_FRAME, HTMX4_FRAME),
    partial_any_context=True,
)

DIALECTS: dict[str, Dialect] = {d.name: d for d in (HTMX2, HTMX4)}


def named(name: str) -> Dialect:
    """The dialect of an htmx major version ("2" or "4"), or ValueError."""
    try:
        return DIALECTS[str(name)]
    except KeyError:
        raise ValueError(f"no htmx dialect {name!r}: one of {', '.join(DIALECTS)}") from None


def current() -> Dialect:
    """The dialect of the configured htmx (LIVEVIEW_HTMX_VERSION), read at each render."""
    return DIALECTS[str(conf.htmx_version())]
