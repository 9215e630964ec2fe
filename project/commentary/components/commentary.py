"""The commentary demo's live components: the events list, an event's feed and its comment form."""

from __future__ import annotations

from django_components import register

from liveview import LiveComponent, event
from liveview.resources import Subscription
from project.commentary.forms import CommentForm
from project.commentary.models import Comment, Event, comments_uri

FEED_LENGTH = 50


@register("event_list")
class EventList(LiveComponent):
    template_name = "commentary/event_list.html"
    viewer_independent = True

    def mount(self) -> None:
        self.events = [
            {"id": e.pk, "title": e.title, "starts": e.starts} for e in Event.objects.all()
        ]

    def subscriptions(self) -> list[Subscription]:
        return [Event]


@register("comment_feed")
class CommentFeed(LiveComponent):
    """The newest comments first; the same for every viewer, so rendered once per comment."""

    template_name = "commentary/comment_feed.html"
    viewer_independent = True

    def mount(self, event_id: int) -> None:
        self.event_id = event_id
        self.comments = [
            {"id": c.pk, "name": c.name, "body": c.body, "posted": c.posted}
            for c in Comment.objects.filter(event_id=event_id)[:FEED_LENGTH]
        ]

    def subscriptions(self) -> list[Subscription]:
        return [comments_uri(self.event_id)]


@register("comment_form")
class CommentFormComponent(LiveComponent):
    """Name, Comment, Post. Without JavaScript the same form posts to the event's comments URL."""

    template_name = "commentary/comment_form.html"
    name: str = ""
    body: str = ""
    posted: int = 0
    errors: dict[str, list[str]] = {}

    def mount(self, event_id: int) -> None:
        self.event_id = event_id

    @event
    def post(self, name: str = "", body: str = "") -> None:
        form = CommentForm({"name": name, "body": body})
        self.name, self.body = name, body
        if not form.is_valid():
            self.errors = {
                f: [e["message"] for e in errs] for f, errs in form.errors.get_json_data().items()
            }
            return
        form.instance.event_id = self.event_id
        form.save()
        self.body, self.errors = "", {}
        self.posted += 1
