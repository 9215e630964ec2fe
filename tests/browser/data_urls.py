"""A test-only data page whose filter event waits for the test: replies land mid-typing."""

from __future__ import annotations

import threading

from django_components import register

from liveview import event
from liveview.data import DataPage, Layout, Table, page_path
from tests.data.pages import ROWS

#: Set when the gated filter text reached the server; the server answers once GATE is set.
ARRIVED = threading.Event()
GATE = threading.Event()
GATED = "Al"


@register("test_data_gated_filter")
class GatedFilter(DataPage):
    def layout(self) -> Layout:
        return Table(ROWS, key="people", debounce="1s")

    @event
    def table_filter(self, table: str, q: str = "") -> None:
        if q == GATED:
            ARRIVED.set()
            GATE.wait(timeout=10)
        super().table_filter(table, q)


urlpatterns = [page_path("gated/", GatedFilter)]
