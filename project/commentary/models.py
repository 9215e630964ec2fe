"""Live commentary: events (a match, a launch) and the comments posted on each."""

from __future__ import annotations

from django.db import models

from liveview.resources import LiveResource


class Event(LiveResource):
    title = models.CharField(max_length=200)
    starts = models.DateTimeField()

    resource_collection = "/events/"

    class Meta:
        ordering = ["starts", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/events/{self.pk}/"


class Comment(LiveResource):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(max_length=60)
    body = models.TextField(max_length=2000)
    posted = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-posted", "-id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"

    def get_collection_uri(self) -> str:
        return comments_uri(self.event_id)


def comments_uri(event_id: int) -> str:
    return f"/events/{event_id}/comments/"
