"""The component `bench/diff_cost.py` measures: a list of K items, each a name and a number."""

from __future__ import annotations

from typing import Any

from django_components import register

from liveview import LiveComponent, event

#: Its registered name.
NAME = "bench_diff_items"


@register(NAME)
class DiffItems(LiveComponent):
    template = (
        '<section><h2>Items</h2><ul>{% for i in items %}<li class="item">'
        "<span>{{ i.0 }}</span> <b>{{ i.1 }}</b></li>{% endfor %}</ul></section>"
    )

    def mount(self, k: int = 1) -> None:
        self.items: list[list[Any]] = [[f"item {j}", 0] for j in range(k)]

    @event
    def one(self) -> None:
        """One text changes: the last item's number."""
        self.items[-1][1] += 1

    @event
    def two(self) -> None:
        """Two texts change: the first item's number and the last's."""
        self.items[0][1] += 1
        self.items[-1][1] += 1
