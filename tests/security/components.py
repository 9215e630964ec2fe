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
        MOUNTS.append(self._lv.id)
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


@register("test_members_only")
class MembersOnly(LiveComponent):
    """Only a logged-in user may see it."""

    login_required = True
    template = "<p>members: {{ user.username }}</p>"


@register("test_editors_only")
class EditorsOnly(LiveComponent):
    """Only a user with polls.change_poll may see it."""

    permission_required = "polls.change_poll"
    template = "<p>editors: {{ count }}</p>"
    count: int = 0

    @event
    def add(self) -> None:
        self.count += 1


@register("test_guarded_events")
class GuardedEvents(LiveComponent):
    """Anyone may see it; some of its events need a login or a permission."""

    template = "<p>{{ log }}</p>"
    log: str = ""

    @event
    def anyone(self) -> None:
        self.log += "a"

    @event(login_required=True)
    def members(self) -> None:
        self.log += "m"

    @event(permission="polls.change_poll")
    def editors(self) -> None:
        self.log += "e"

    @event(permission=("polls.change_poll", "polls.delete_poll"))
    def admins(self) -> None:
        self.log += "d"


@register("test_redirector")
class Redirector(LiveComponent):
    """Sends the browser wherever the client asks: only safe targets may pass."""

    template = "<p>went: {{ went }}</p>"
    went: int = 0

    @event
    def go(self, url: str) -> None:
        self.went += 1
        self.live.redirect(url)
