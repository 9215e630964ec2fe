# The copy of a component's state its event rolls back to when the handler raises. Taken before
# the handler, unless the socket's turn right before ran an event of the same component and kept
# the copy ready once its reply had gone (~60 µs for a 300-row table, off the reply's path).
# Every turn's start (liveview.runtime.turn.started) makes a copy kept before it stale.
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from liveview.authoring.keep import snapshot

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page


@dataclass(frozen=True, slots=True)
class Ready:
    """A copy of `comp`'s state taken at the end of the page's turn number `turn`."""

    comp: LiveComponent
    turn: int
    state: dict[str, Any]


def after_event(page: Page, cid: str, event: str) -> None:
    """At the end of the socket's turn for an `@event(on_loop=True)` event, its reply sent: keep
    the copy its component's next event rolls back to, taken on the loop as that event's own
    would be."""
    comp = page.components.get(cid)
    handler = type(comp)._lv_events.get(event) if comp is not None else None
    if comp is not None and handler is not None and handler.on_loop and not comp._lv.lazy:
        keep(page, comp)


def keep(page: Page, comp: LiveComponent) -> None:
    """At the end of an event's turn, its reply sent: the copy the next event of `comp` rolls
    back to, good for that event only if no other turn comes first (`state_before`)."""
    try:
        state = snapshot(comp.live_state())
    except Exception:  # the next event copies it itself, and fails as it would have
        page.rollback = None
        return
    page.rollback = Ready(comp, page.turns, state)


def state_before(page: Page, comp: LiveComponent) -> dict[str, Any]:
    """The copy of `comp`'s state its event rolls back to, as the handler finds it."""
    ready, page.rollback = page.rollback, None
    if ready is not None and ready.comp is comp and ready.turn == page.turns - 1:
        return ready.state  # kept at the end of the turn right before this one
    return snapshot(comp.live_state())
