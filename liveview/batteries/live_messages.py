# The component behind `{% live_messages %}` (flash.py): the messages it was mounted with and
# those flashed during the page's events, each dismissed by a one-shot timer (timers.py).
from __future__ import annotations

import time
from typing import Any

from django_components import register

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event
from liveview.runtime.flash import MAX_SHOWN, NAME, NOTICE, SECONDS
from liveview.runtime.notify import listens
from liveview.runtime.page import page_of
from liveview.runtime.timers import Timer


@register(NAME)
class LiveMessages(LiveComponent):
    """The page's flash messages; each one goes away `seconds` after it is shown."""

    template_name = "liveview/messages.html"
    shown: list[dict[str, Any]] = []
    next_id: int = 1

    def mount(
        self,
        initial: list[dict[str, Any]] | None = None,
        until: float = 0,
        seconds: float = SECONDS,
    ) -> None:
        self.seconds = seconds
        remaining = until - time.time()
        if remaining > 0:  # a reconnect after the deadline finds them gone
            for message in initial or ():
                self._show(message, remaining)

    @listens(NOTICE)
    def add(self, level: int, text: str, tags: str) -> None:
        if page_of(self).redirect_to is not None:
            return  # the turn leaves this page: the next one shows it (flash.carried)
        self._show({"level": level, "text": text, "tags": tags}, self.seconds)

    @event
    def dismiss(self, id: int) -> None:
        """The message's × button, or its timer."""
        self.shown = [m for m in self.shown if m["id"] != id]
        timer = self._timers().pop(id, None)
        if timer is not None:
            timer.cancel()

    def _show(self, message: dict[str, Any], seconds: float) -> None:
        shown = {**message, "id": self.next_id}
        self.next_id += 1
        while len(self.shown) >= MAX_SHOWN:  # the oldest gives way
            self.dismiss(self.shown[0]["id"])
        self.shown = [*self.shown, shown]
        if self.live.connected:
            self._timers()[shown["id"]] = self.live.after(seconds, self.dismiss, id=shown["id"])

    def _timers(self) -> dict[int, Timer]:
        timers: dict[int, Timer] = self.__dict__.setdefault("_message_timers", {})
        return timers
