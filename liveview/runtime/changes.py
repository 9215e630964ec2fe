# Applying resource changes to one component: its `resource_changed` for each change, after
# catching up on those a broadcast rendered for it but left out of its state (fanout.py).
from __future__ import annotations

from liveview.authoring.component import LiveComponent
from liveview.core.metrics import failed
from liveview.pubsub.presence import is_presence
from liveview.pubsub.resources import ResourceChanged

_PENDING_LIMIT = 256


def apply_changes(comp: LiveComponent, changes: list[ResourceChanged]) -> Exception | None:
    """Run the component's `resource_changed` for each change; the failure, if one failed."""
    failure = catch_up(comp)
    for change in changes:
        if failure is not None:
            break
        if is_presence(change):
            continue  # who is viewing changed, not the data: re-rendering shows it
        try:
            comp.resource_changed(change)
        except Exception as exc:
            failed("liveview: %s.resource_changed failed", comp, exc, type(comp).__name__)
            comp._lv.pristine = False
            failure = exc
    comp._lv.page._follow(comp)
    return failure


def defer(comp: LiveComponent, changes: list[ResourceChanged]) -> None:
    """Keep `changes` for the component's state, to apply when it is next used. Bounded: past
    the limit they are dropped for one `refresh()` (a page that only ever takes its twin's HTML
    would otherwise keep every change forever)."""
    if comp._lv.refresh_due:
        return
    if len(comp._lv.pending) + len(changes) > _PENDING_LIMIT:
        comp._lv.pending = []
        comp._lv.refresh_due = True
        return
    comp._lv.pending.extend(changes)


def catch_up(comp: LiveComponent) -> Exception | None:
    """Apply what a broadcast rendered for this component but left out of its state."""
    pending, comp._lv.pending = comp._lv.pending, []
    if comp._lv.refresh_due:
        comp._lv.refresh_due = False
        try:
            comp.refresh()
        except Exception as exc:
            failed("liveview: %s.refresh failed", comp, exc, type(comp).__name__)
            return exc
        return None
    return apply_changes(comp, pending) if pending else None
