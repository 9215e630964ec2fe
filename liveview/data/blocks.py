# The building blocks a DataPage's layout() returns: plain Python objects, each rendered by a
# small template under liveview/data/. Table and Chart live in their own modules.
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from liveview.pubsub.resources import Subscription


class Block:
    """Something a DataPage shows. Subclasses name their template and may have children."""

    template_name: ClassVar[str]

    def children(self) -> Iterable[Block]:
        return ()

    def subscriptions(self) -> Iterable[Subscription]:
        """What this block shows from the database: the page re-renders when it changes."""
        return ()

    def walk(self) -> Iterator[Block]:
        """This block and every block inside it, depth first, in the order they render."""
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass
class Heading(Block):
    """A heading, ``<h1>`` to ``<h6>`` (level 2 by default)."""

    text: str
    level: int = 2
    template_name: ClassVar[str] = "liveview/data/heading.html"

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 6:
            raise ValueError(f"Heading level must be 1 to 6, not {self.level!r}")


@dataclass
class Text(Block):
    """A paragraph of text (escaped, like everything else)."""

    text: str
    template_name: ClassVar[str] = "liveview/data/text.html"


@dataclass
class Link(Block):
    """A link; a URL that is not relative or http(s) becomes ``#`` (see `safe_href`)."""

    text: str
    href: str
    template_name: ClassVar[str] = "liveview/data/link.html"


@dataclass
class Button(Block):
    """A button that calls one of the page's ``@event`` methods, with JSON arguments.

    ``Button("Add sample", "add_sample")`` or ``Button("Add", self.add_sample, count=5)``.
    """

    label: str
    event: str | Callable[..., Any]
    args: dict[str, Any] = field(default_factory=dict)
    template_name: ClassVar[str] = "liveview/data/button.html"

    def __init__(self, label: str, event: str | Callable[..., Any], **args: Any) -> None:
        self.label = label
        self.event = event
        self.args = args

    @property
    def event_name(self) -> str:
        if isinstance(self.event, str):
            return self.event
        name = getattr(self.event, "__name__", None)
        if not isinstance(name, str):
            raise TypeError(f"Button event must be an @event method or its name: {self.event!r}")
        return name


@dataclass
class _Container(Block):
    items: list[Block]

    def __init__(self, *items: Block | Iterable[Block | None] | None) -> None:
        self.items = list(flatten(items))

    def children(self) -> Iterable[Block]:
        return self.items


class Row(_Container):
    """Blocks side by side (wrapping on narrow screens)."""

    template_name: ClassVar[str] = "liveview/data/row.html"


class Column(_Container):
    """Blocks one above the other."""

    template_name: ClassVar[str] = "liveview/data/column.html"


def flatten(items: Iterable[Any]) -> Iterator[Block]:
    """Blocks from a mix of blocks, lists of blocks and None (left out): what layout() returns."""
    for item in items:
        if item is None:
            continue
        if isinstance(item, Block):
            yield item
        elif isinstance(item, Iterable) and not isinstance(item, str | bytes):
            yield from flatten(item)
        else:
            raise TypeError(f"a layout holds blocks (Table, Chart, Text, Row…), not {item!r}")
