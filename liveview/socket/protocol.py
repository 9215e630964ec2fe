# The wire: what a browser sends (the frame shapes are liveview.dialect's), what we answer, how
# we close. Pure functions; the consumer and the tests share them.
from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from liveview.core.dialect import unwrap


class CloseCode(IntEnum):
    """Close codes the consumer uses; documented in the README ("Close codes")."""

    #: The server asks the page to reconnect; it re-renders every component on connect.
    RESYNC = 1012
    #: A frame that is not an event: not text, not JSON, or missing `lv`/`event`.
    BAD_MESSAGE = 4400
    #: The page token is missing, tampered with, expired or of an old version.
    TOKEN_INVALID = 4401
    #: The page token was rendered for another session or user.
    TOKEN_FORBIDDEN = 4403
    #: The user may not see a component of the page (login_required, permission_required).
    ACCESS_DENIED = 4406
    #: The user logged out, was deactivated or lost a permission a component of the page needs.
    ACCESS_REVOKED = 4410
    #: The token names a component that is not a registered LiveComponent.
    UNKNOWN_COMPONENT = 4404
    #: The socket was opened without the page's CSRF token (the `csrf` query parameter).
    CSRF_FAILED = 4419
    #: Too many open live sockets for this user or this IP address (per process).
    TOO_MANY_CONNECTIONS = 4429
    #: Events kept coming faster than the rate limit allows: a flood.
    POLICY_VIOLATION = 1008
    #: A frame larger than LIVEVIEW_MAX_FRAME_BYTES.
    MESSAGE_TOO_BIG = 1009
    #: The client stopped reading: too many frames waited for it. It reconnects and resyncs.
    TRY_AGAIN_LATER = 1013


class ProtocolError(ValueError):
    pass


#: The key the glue adds to every event: the connection (epoch) the event was made in.
VERSION_KEY = "lv_v"
#: The key the glue adds to every event: its number on the page (acknowledged in the reply).
SEQ_KEY = "lv_seq"
#: The key `{% live ... only=True %}` puts in its values: the names of its own arguments, the
#: only values the event gets. The ws extensions always add the enclosing form's fields and
#: have no attribute to stop them (docs/events.md), so the server drops them.
ONLY_KEY = "lv_only"

# Keys the client adds to the values; never handler arguments. A form's CSRF field rides
# along with its values; the socket does not need it (the page token is bound to the secret).
_ENVELOPE = frozenset({"lv", "event", "csrfmiddlewaretoken", VERSION_KEY, SEQ_KEY})

#: How deep arrays and objects may nest in a frame (the frame's own object is level 1).
#: htmx sends three levels at most; this leaves room for JSON values a binding passes.
MAX_DEPTH = 16


#: The release `EventMessage.headers` goes away in (docs/api.md).
HEADERS_REMOVED_IN = "0.2.0"


@dataclass(frozen=True, slots=True, init=False)
class EventMessage:
    """One event as the browser sent it: the component's DOM id, the event, its values."""

    component: str
    event: str
    values: dict[str, Any]
    #: The epoch of the render the event was made against; stale after a reconnect.
    version: str | None
    #: The event's number on the page; the reply acknowledges it (`data-ack`).
    seq: int | None
    _headers: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        component: str,
        event: str,
        values: dict[str, Any],
        headers: dict[str, Any] | None = None,
        version: str | None = None,
        seq: int | None = None,
    ) -> None:
        put = object.__setattr__  # frozen: one message per event, each field set once
        put(self, "component", component)
        put(self, "event", event)
        put(self, "values", values)
        put(self, "version", version)
        put(self, "seq", seq)
        put(self, "_headers", headers or {})

    @property
    def headers(self) -> dict[str, Any]:
        """Deprecated: the htmx request headers the frame carried. Nothing in liveview reads
        them (an event is its values); goes away in 0.2.0."""
        warnings.warn(
            f"EventMessage.headers is deprecated and goes away in liveview {HEADERS_REMOVED_IN}: "
            "nothing reads the frame's htmx headers; an event is its component, name and values",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._headers


def parse_event(text: str) -> EventMessage:
    """Parse one client frame in any shape a supported htmx sends (liveview.dialect)."""
    try:
        data = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise ProtocolError("an event is a JSON object")
    if _may_not_fit(text):  # the usual frame cannot: not walked
        _check(data, 1)
    values, headers = unwrap(data)
    component = values.get("lv")
    event = values.get("event")
    if not isinstance(component, str) or not component:
        raise ProtocolError("missing component id `lv`")
    if not isinstance(event, str) or not event:
        raise ProtocolError("missing event name `event`")
    version = values.get(VERSION_KEY)
    seq = values.get(SEQ_KEY)
    if ONLY_KEY in values:
        values = _only(values, values.pop(ONLY_KEY))
    for key in _ENVELOPE:
        values.pop(key, None)
    return EventMessage(
        component=component,
        event=event,
        values=values,
        headers=headers,
        version=version if isinstance(version, str) else None,
        seq=seq if type(seq) is int and seq >= 0 else None,
    )


def _only(values: dict[str, Any], names: object) -> dict[str, Any]:
    """The values a binding with `only=True` sends: its own arguments, none of its form's."""
    if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        raise ProtocolError(f"`{ONLY_KEY}` is a list of argument names")
    return {k: v for k, v in values.items() if k in _ENVELOPE or k in names}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses to inf
        raise ValueError(f"number out of range: {text[:32]}")
    return value


#: JSON as a frame may hold it: finite numbers only (made once: json.loads with options makes
#: a decoder per call).
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


#: A JSON escape of a UTF-16 surrogate (`\ud83d`): half of a pair, or a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _may_not_fit(text: str) -> bool:
    """Whether the JSON `text` may nest deeper than MAX_DEPTH or decode to a string that is
    not Unicode text, by one C-level look at the text: more brackets than levels allowed (a
    bracket in a string counts too), a surrogate escape, or a lone surrogate as itself. False:
    the decoded frame fits, and `_check` has nothing to refuse."""
    if text.count("{") + text.count("[") > MAX_DEPTH:
        return True
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(value: object, depth: int) -> None:
    """Refuse nesting deeper than MAX_DEPTH and strings that are not Unicode text."""
    if isinstance(value, str):
        _check_text(value)
        return
    if not isinstance(value, dict | list):
        return
    if depth > MAX_DEPTH:
        raise ProtocolError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check(item, depth + 1)
    else:
        for item in value:
            _check(item, depth + 1)


def _check_text(text: str) -> None:
    # JSON's \ud800 escapes decode to lone surrogates: not text, and unsendable as UTF-8.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ProtocolError("a string is not valid Unicode (lone surrogate)") from None
