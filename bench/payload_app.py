"""The server side of ``bench/payload.py`` and ``bench/click_dom.py``: the framework's own
``liveview.data.Table`` of 300 rows (in a ``DataPage``) whose cells an event changes, to sit
next to the demo's counter on the busy page, and a list an event appends to."""

from __future__ import annotations

from django_components import register

from liveview import LiveComponent, event
from liveview.data import Button, DataPage, Table

ROWS_NAME = "bench_rows"
#: The same table as a stream (``Table(stream=True)``, docs/data.md): a changed row is sent alone.
ROWS_STREAM_NAME = "bench_rows_stream"
ITEMS_NAME = "bench_items"


def row(i: int, value: str | None = None) -> dict[str, str]:
    """Row `i` of the bench's table: about 60 bytes of HTML each, as the Table renders it."""
    return {"name": f"Row {i}", "value": value if value is not None else f"value {i * 7919 % 1000}"}


@register(ROWS_NAME)
class Rows(DataPage):
    """A ``liveview.data.Table`` of `rows` rows, all on one page, live like any component of
    the page; `set_cell` changes one cell, `change` (its button) the middle row's cell."""

    rows: list[dict[str, str]] = []
    changes: int = 0

    def mount(self, rows: int = 300) -> None:
        self.rows = [row(i) for i in range(rows)]
        self.changes = 0

    #: Whether the table is a stream (`StreamRows`).
    streamed = False

    def layout(self) -> list[Button | Table]:
        per_page = len(self.rows) or 1
        return [
            Button("Change a cell", "change"),
            Table(
                self.rows,
                columns=["name", "value"],
                key="rows",
                per_page=per_page,
                stream=self.streamed,
            ),
        ]

    # Neither event reads the database (the rows are the page's own): no hop into Django's
    # sync thread (docs/events.md, "On the event loop").
    @event(on_loop=True)
    def set_cell(self, row: int, value: str) -> None:
        """One cell changes: the second cell (`value`) of row `row`."""
        self._set_value(row, value)

    @event(on_loop=True)
    def change(self) -> None:
        """The middle row's `value` cell shows how many times this ran."""
        self.changes += 1
        self._set_value(len(self.rows) // 2, f"changed {self.changes}")

    def _set_value(self, at: int, value: str) -> None:
        self.rows = [*self.rows[:at], {**self.rows[at], "value": value}, *self.rows[at + 1 :]]


@register(ROWS_STREAM_NAME)
class StreamRows(Rows):
    """`Rows` with ``Table(stream=True)``: each row keyed by its `id` (its number)."""

    streamed = True

    def mount(self, rows: int = 300) -> None:
        self.rows = [{"id": str(i), **row(i)} for i in range(rows)]
        self.changes = 0


@register(ITEMS_NAME)
class Items(LiveComponent):
    """A list of `items` items; `add` appends one."""

    template = '<ul class="items">{% for item in items %}<li>Item {{ item }}</li>{% endfor %}</ul>'

    def mount(self, items: int = 1000) -> None:
        self.items = list(range(items))

    @event
    def add(self) -> None:
        self.items.append(len(self.items))
