from __future__ import annotations

from django_components import register

from liveview import LiveComponent, event

KEEP = 50  # messages kept per page


@register("echo")
class Echo(LiveComponent):
    template_name = "echo/echo.html"
    messages: list[str] = []
    sent: int = 0

    @event
    def send(self, message: str) -> None:
        message = message.strip()
        if message:
            self.messages = [message, *self.messages][:KEEP]
            self.sent += 1
