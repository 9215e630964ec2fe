"""The server side of ``bench/payload.py``: a live component of 300 rows to sit next to the
demo's counter on the busy page, whose cells an event changes, and a list an event appends to.
Nothing here is part of liveview."""

from __future__ import annotations

from django_components import register

from liveview import LiveComponent, event

ROWS_NAME = "bench_rows"
ITEMS_NAME = "bench_items"


@register(ROWS_NAME)
class Rows(LiveComponent):
    """A table of `rows` rows (about 60 bytes each), live like any component of the page."""

    template = (
        '<table class="rows"><tbody>{% for row in rows %}'
        '<tr id="row-{{ row.0 }}"><td>Row {{ row.0 }}</td><td>{{ row.1 }}</td></tr>'
        "{% endfor %}</tbody></table>"
    )

    def mount(self, rows: int = 300) -> None:
        self.rows = [(i, f"value {i * 7919 % 1000}") for i in range(rows)]

    @event
    def set_cell(self, row: int, value: str) -> None:
        """One cell changes: the second cell of row `row`."""
        self.rows[row] = (row, value)


@register(ITEMS_NAME)
class Items(LiveComponent):
    """A list of `items` items; `add` appends one."""

    template = '<ul class="items">{% for item in items %}<li>Item {{ item }}</li>{% endfor %}</ul>'

    def mount(self, items: int = 1000) -> None:
        self.items = list(range(items))

    @event
    def add(self) -> None:
        self.items.append(len(self.items))
