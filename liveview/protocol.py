# The wire: what a browser sends (three htmx message shapes), what we answer, how we close.
# Pure functions, no Django; the consumer and the tests share them.
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


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
    #: The token names a component that is not a registered LiveComponent.
    UNKNOWN_COMPONENT = 4404


class ProtocolError(ValueError):
    pass


# Keys the client adds around the values; never handler arguments. A form's CSRF field rides
# along with its values; the socket does not need it (the page token is bound to the secret).
_ENVELOPE = frozenset({"lv", "event", "headers", "HEADERS", "csrfmiddlewaretoken"})


@dataclass(frozen=True, slots=True)
class EventMessage:
    component: str
    event: str
    values: dict[str, Any]
    headers: dict[str, Any]


def parse_event(text: str) -> EventMessage:
    """Parse one client frame in any of the three shapes htmx's ws extensions send.

    htmx 2 + htmx-ext-ws:       {...values, "HEADERS": {...}}
    htmx 4.0.0-beta6:           {"headers": {...}, "body": {...values}}
    htmx 4.0.1:                 {...values, "headers": {...}}
    """
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("an event is a JSON object")
    body = data.get("body")
    if isinstance(body, dict) and set(data) <= {"headers", "body"}:
        values = dict(body)
        headers = data.get("headers")
    else:
        values = dict(data)
        headers = data.get("HEADERS", data.get("headers"))
    component = values.get("lv")
    event = values.get("event")
    if not isinstance(component, str) or not component:
        raise ProtocolError("missing component id `lv`")
    if not isinstance(event, str) or not event:
        raise ProtocolError("missing event name `event`")
    for key in _ENVELOPE:
        values.pop(key, None)
    return EventMessage(
        component=component,
        event=event,
        values=values,
        headers=headers if isinstance(headers, dict) else {},
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
