"""The soak's loss check, on the server's side: was each page told of every change it shows?

A page behind renders the latest state once for several changes (coalescing: state, not
events), so a number missing from what a socket receives is not, by itself, a loss. What must
hold is that each change of a topic reached every page showing the topic (the page was handed
it, in a delivery, a deferred turn or the catch-up after its subscription) or that the page
was told to reload after it: its first mount, or a reload the runtime hands it (a change
without an ETag: the catch-up's for a topic joined meanwhile, the log no longer reaching back,
a recovery), both reading the state as it is. A number that is neither is lost: nothing would
bring the page to it if it were the topic's last change. A `refresh()` a numbered change
causes is not a reload here: it would cover a change dropped just before, for the one page
that renders (its twins only take its HTML), and hide the loss.

`Ledger` keeps that per page, weakly (a closed page leaves nothing behind): `mounted` for the
first mount, `reloaded` and `handed` as the runtime tells the page, `lost` at the end, from
the topics' last numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

K = TypeVar("K")


@dataclass(slots=True)
class Coverage:
    """The numbers of one topic one page was handed or reloaded past: every number up to
    `upto`, and `ahead` (handed out of order, past a number not handed yet)."""

    topic: str
    upto: int
    ahead: set[int] = field(default_factory=set)

    def reload(self, seq: int) -> None:
        """The page read the state at number `seq`: it shows every change up to it."""
        if seq > self.upto:
            self.upto = seq
            self.ahead = {n for n in self.ahead if n > seq}
            self._advance()

    def handed(self, seq: int) -> None:
        """The page was handed the change numbered `seq`."""
        if seq == self.upto + 1 and not self.ahead:
            self.upto = seq  # the usual case: in order
        elif seq > self.upto:
            self.ahead.add(seq)
            self._advance()

    def _advance(self) -> None:
        while self.upto + 1 in self.ahead:
            self.upto += 1
            self.ahead.discard(self.upto)

    def missing(self, last: int) -> int:
        """How many numbers up to `last` this page was neither handed nor reloaded past."""
        return max(0, last - self.upto - sum(1 for n in self.ahead if n <= last))


class Ledger(Generic[K]):
    """Each live page's `Coverage` of its topic, keyed weakly by what shows it."""

    def __init__(self) -> None:
        self._pages: WeakKeyDictionary[K, Coverage] = WeakKeyDictionary()
        #: Changes handed to a known page so far (a ledger that saw none watched nothing).
        self.handed_count = 0

    def mounted(self, page: K, topic: str, seq: int) -> None:
        """`page` mounted showing `topic` at number `seq` (a mount again: ignored)."""
        coverage = self._pages.get(page)
        if coverage is None or coverage.topic != topic:
            self._pages[page] = Coverage(topic, seq)

    def reloaded(self, page: K, seq: int) -> None:
        """`page` was told to reload its topic, whose number was `seq` then."""
        coverage = self._pages.get(page)
        if coverage is not None:
            coverage.reload(seq)

    def handed(self, page: K, seq: int) -> None:
        """`page` was handed its topic's change numbered `seq` (ignored for an unknown page)."""
        coverage = self._pages.get(page)
        if coverage is not None:
            self.handed_count += 1
            coverage.handed(seq)

    def lost(self, last: dict[str, int]) -> tuple[int, int]:
        """(numbers, pages): the changes up to each topic's `last` number some live page was
        neither handed nor reloaded past, and how many pages missed one."""
        numbers = pages = 0
        for coverage in list(self._pages.values()):
            missing = coverage.missing(last.get(coverage.topic, coverage.upto))
            numbers += missing
            pages += missing > 0
        return numbers, pages

    def __len__(self) -> int:
        return len(self._pages)
