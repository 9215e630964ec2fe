# `Page.components` and `Page.mount_args`: one part of each of the page's records, read-only.
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from liveview.authoring.record import ComponentRecord

_T = TypeVar("_T")


class RecordView(Mapping[str, _T]):
    """One part of each record (its component, its spec), by DOM id: a read-only view that
    follows the records as they change. Code on another thread copies the records themselves."""

    __slots__ = ("_part", "_records")

    def __init__(
        self, records: dict[str, ComponentRecord], part: Callable[[ComponentRecord], _T]
    ) -> None:
        self._records = records
        self._part = part

    def __getitem__(self, cid: str) -> _T:
        return self._part(self._records[cid])

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)
