"""The server side of ``bench/payload.py``: a live component of 300 rows to sit next to the
demo's counter on the busy page. Nothing here is part of liveview."""

from __future__ import annotations

from django_components import register

from liveview import LiveComponent

ROWS_NAME = "bench_rows"


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
