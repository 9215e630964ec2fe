"""Polls, the sync talk's example: a poll is a resource at /polls/<id>; votes change it too."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F

from liveview.resources import LiveResource, touch


class Poll(LiveResource):
    question = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    resource_collection = "/polls/"

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return f"/polls/{self.pk}/"

    def total_votes(self) -> int:
        return sum(choice.votes for choice in self.choices.all())

    def to_json(self) -> dict[str, Any]:
        choices = [{"id": c.pk, "text": c.text, "votes": c.votes} for c in self.choices.all()]
        return {
            "uri": self.uri,
            "id": self.pk,
            "question": self.question,
            "created": self.created.isoformat(),
            "choices": choices,
        }


class Choice(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=100)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


def vote(poll_id: int, choice_id: int) -> bool:
    """Count one vote; False when the choice is not one of the poll's. Publishes the poll."""
    with transaction.atomic():
        counted = Choice.objects.filter(pk=choice_id, poll_id=poll_id).update(votes=F("votes") + 1)
        if counted:
            # The update bypasses save(): one line gives the poll a new ETag and publishes it.
            touch(Poll.objects.filter(pk=poll_id))
    return bool(counted)
