from __future__ import annotations

from django_components import register

from liveview import LiveComponent, event


@register("counter")
class Counter(LiveComponent):
    template_name = "counter/counter.html"
    count: int = 0

    def mount(self, start: int = 0, label: str = "Counter") -> None:
        self.count = start
        self.label = label

    # Nothing here reads the database: no hop into Django's sync thread (docs/events.md).
    @event(on_loop=True)
    def increment(self, by: int = 1) -> None:
        self.count += by

    @event(on_loop=True)
    def decrement(self, by: int = 1) -> None:
        self.count -= by
