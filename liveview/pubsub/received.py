# What one hub received lately: each change once (a change reaches the hub once per topic it
# was published to, its URI and its collection), numbered, so that a page that subscribed late
# catches up on what it missed while it mounted.
from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Hashable

from liveview.pubsub.messages import ResourceChanged

#: Changes remembered, both to drop repeats and to catch pages up.
RECENT = 4096


class Received:
    """The hub's recent changes: `first_time` drops repeats, `add` numbers what is kept."""

    __slots__ = ("_log", "_recent", "seq")

    def __init__(self, kept: int = RECENT) -> None:
        #: How many changes were kept so far: the number of the latest.
        self.seq = 0
        self._recent: OrderedDict[Hashable, None] = OrderedDict()
        self._log: deque[tuple[int, ResourceChanged]] = deque(maxlen=kept)

    def first_time(self, key: Hashable) -> bool:
        """True the first time a message key is seen (lately); False for its repeats."""
        if key in self._recent:
            return False
        self._recent[key] = None
        if len(self._recent) > (self._log.maxlen or RECENT):
            self._recent.popitem(last=False)
        return True

    def add(self, change: ResourceChanged) -> None:
        self.seq += 1
        self._log.append((self.seq, change))

    def since(self, seq: int, topics: frozenset[str]) -> list[ResourceChanged] | None:
        """The changes to `topics` kept after number `seq`; None if they are not all kept."""
        if self._log and self._log[0][0] > seq + 1:
            return None
        missed: list[ResourceChanged] = []
        for n, change in reversed(self._log):  # newest first: usually none are newer than seq
            if n <= seq:
                break
            if change.uri in topics or change.collection in topics:
                missed.append(change)
        missed.reverse()
        return missed
