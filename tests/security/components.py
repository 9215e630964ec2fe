"""Components the security tests mount: each records that it mounted, and renders all its state."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django_components import register

from liveview import LiveComponent, event

#: The DOM id of every Recorder mounted, in order; cleared before each security test.
MOUNTS: list[str] = []


@register("test_recorder")
class Recorder(LiveComponent):
    # Every piece of state is in the HTML, so an unchanged render means an unchanged state.
    template = "<p>{{ label }}|{{ count }}|{{ ratio }}|{{ items }}|{{ fields }}</p>"

    def mount(self, label: str = "x", query: bool = False) -> None:
        MOUNTS.append(self._lv_id)
        if query:
            ContentType.objects.count()  # a real query, so the query spy is seen to work
        self.label = label
        self.count = 0
        self.ratio = 0.5
        self.items: list[str] = []
        self.fields: dict[str, Any] = {}

    @event
    def add(self, n: int = 1) -> None:
        self.count += n

    @event
    def measure(self, ratio: float) -> None:
        self.ratio = ratio

    @event
    def tag(self, items: list[str]) -> None:
        self.items = items

    @event
    def keep(self, **fields: Any) -> None:
        self.fields = fields
