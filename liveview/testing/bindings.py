# Reads the `{% live %}` binding attributes in the page's htmx dialect (its send attribute,
# hx-vals, hx-trigger) and builds the message that htmx's ws extension would send for them.
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bs4 import Tag

from liveview.core.dialect import Dialect, FrameShape
from liveview.socket.protocol import VERSION_KEY
from liveview.testing.dom import LiveTestError, attr
from liveview.testing.forms import closest, form_values, input_type, merge, value_of

_KEY_FILTER = re.compile(r"\[key=='([A-Za-z0-9]+)'\]")


@dataclass(frozen=True, slots=True)
class Trigger:
    """One event spec of an hx-trigger: its DOM event, key filter and `changed` modifier."""

    event: str
    key: str | None = None
    changed: bool = False

    def fires_on(self, event: str, key: str | None = None) -> bool:
        return self.event == event and (self.key is None or self.key == key)


def triggers(element: Tag) -> list[Trigger]:
    """The DOM events that run the element's binding, as htmx reads them."""
    spec = attr(element, "hx-trigger")
    if not spec:
        return [Trigger(_default_event(element))]
    found = []
    for part in spec.split(","):
        words = part.split()
        if not words:
            continue
        head = words[0]
        key = _KEY_FILTER.search(head)
        found.append(
            Trigger(head.split("[", 1)[0], key.group(1) if key else None, "changed" in words)
        )
    return found


def _default_event(element: Tag) -> str:
    # htmx's defaults: a form submits, a text control changes, anything else is clicked.
    if element.name == "form":
        return "submit"
    if element.name == "input" and input_type(element) in ("submit", "button"):
        return "click"
    if element.name in ("input", "select", "textarea"):
        return "change"
    return "click"


def is_bound(element: Tag, speaks: Dialect) -> bool:
    return element.has_attr(speaks.send_attr)


def bound_ancestors(element: Tag, speaks: Dialect) -> list[Tag]:
    """The element and its ancestors that carry a binding, innermost first (DOM events bubble)."""
    chain = [element, *(p for p in element.parents if isinstance(p, Tag))]
    return [e for e in chain if is_bound(e, speaks)]


def hx_vals(element: Tag) -> dict[str, Any]:
    """hx-vals of the element and its ancestors, the nearest winning, as htmx inherits them."""
    merged: dict[str, Any] = {}
    chain = [element, *(p for p in element.parents if isinstance(p, Tag))]
    for node in reversed(chain):
        raw = attr(node, "hx-vals")
        if raw is None:
            continue
        try:
            vals = json.loads(raw)
        except ValueError as exc:
            raise LiveTestError(f"hx-vals is not JSON: {raw!r} ({exc})") from None
        if isinstance(vals, dict):
            merged.update(vals)
    return merged


def values_for(element: Tag, submitter: Tag | None = None) -> dict[str, Any]:
    """What htmx sends for the bound `element`: its form's values, the submitter's, hx-vals."""
    pairs: list[tuple[str, str]] = []
    form = closest(element, "form")
    if form is not None:
        pairs += form_values(form)
    elif element.name in ("input", "select", "textarea") and attr(element, "name"):
        pairs.append((attr(element, "name") or "", value_of(element)))
    values = merge(pairs)
    if submitter is not None and attr(submitter, "name"):
        values[attr(submitter, "name") or ""] = attr(submitter, "value") or ""
    values.update(hx_vals(element))
    return values


def message(
    values: dict[str, Any], epoch: str, shape: FrameShape, trigger: Tag | None, url: str
) -> str:
    """The frame htmx's ws extension sends, in the shape of the page's htmx build."""
    body = {**values, VERSION_KEY: epoch}  # the glue stamps every event with the epoch
    headers = {
        "HX-Request": "true",
        "HX-Trigger": attr(trigger, "id") if trigger is not None else None,
        "HX-Current-URL": url,
    }
    return json.dumps(shape.frame(body, headers))
