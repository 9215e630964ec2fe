"""The commentary demo's live components: the events list, an event's feed and its comment form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django_components import register

from liveview import LiveComponent
from liveview.forms import LiveForm
from liveview.resources import ResourceChanged, Subscription
from liveview.streams import Stream
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
    """The newest comments first, as a stream: a new comment sends that comment only, and the
    server keeps none of them (docs/streams.md)."""

    template_name = "commentary/comment_feed.html"
    viewer_independent = True
    streams = {"comments": Stream(at=0, limit=FEED_LENGTH)}

    def mount(self, event_id: int) -> None:
        self.event_id = event_id
        self.stream("comments", self.newest())

    def newest(self) -> QuerySet[Comment]:
        return Comment.objects.filter(event_id=self.event_id)[:FEED_LENGTH]

    def subscriptions(self) -> list[Subscription]:
        return [comments_uri(self.event_id)]

    def resource_changed(self, change: ResourceChanged) -> None:
        pk = change.uri.rstrip("/").rsplit("/", 1)[-1]
        if not pk.isdigit():  # the whole collection changed: show it again
            self.stream_reset("comments", self.newest())
            return
        comment = Comment.objects.filter(pk=pk, event_id=self.event_id).first()
        if comment is None or change.method == "DELETE":
            self.stream_delete("comments", pk)
        else:
            self.stream_insert("comments", comment)  # a new one on top, an edit in its place


@register("comment_form")
class CommentFormComponent(LiveForm):
    """Name, Comment, Post, validated as the user types by CommentForm; Post is disabled while
    the form is invalid. Without JavaScript the same form posts to the event's comments URL."""

    template_name = "commentary/comment_form.html"
    form_class = CommentForm
    poster: str = ""

    def mount(self, event_id: int) -> None:
        self.event_id = event_id
        self.reset()

    def initial(self) -> dict[str, Any]:
        return {"name": self.poster}  # the poster's name stays for their next comment

    def form_valid(self, form: forms.BaseForm) -> None:
        comment = form.save(commit=False)  # type: ignore[attr-defined]
        comment.event_id = self.event_id
        comment.save()
        self.poster = comment.name
