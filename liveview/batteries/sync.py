# The sync table from the seed talk: what a component does when a resource it shows changes,
# keyed by (uri, etag, dirty). Pure; the editor and the docs share it.
from __future__ import annotations

from enum import Enum


class Sync(Enum):
    #: Same ETag: the change is one this component already has.
    NOTHING = "nothing"
    #: Clean and the ETag differs: re-download and re-render.
    RELOAD = "reload"
    #: Dirty and the ETag differs: keep the user's input, show what changed, let them choose.
    CONFLICT = "conflict"
    #: The component has no resource yet (a "new" form): a save creates one.
    CREATE = "create"


def decide(known: str | None, incoming: str | None, *, dirty: bool, new: bool = False) -> Sync:
    """The sync table: `known` is the ETag the component shows, `incoming` the changed one."""
    if new:
        return Sync.CREATE
    if known == incoming:
        return Sync.NOTHING
    return Sync.CONFLICT if dirty else Sync.RELOAD
