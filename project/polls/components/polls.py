"""The polls demo's live components: the list, a poll's results, who is viewing it, its vote
form and its editor.

A vote tells the results next to it which row is this visitor's (`notify`/`@listens`) and
flashes "Vote counted" (`{% live_messages %}` on the page dismisses it after a few seconds).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet, Sum
from django_components import register

from liveview import LiveComponent, event
from liveview.editor import ResourceEditor
from liveview.notify import listens
from liveview.presence import Presence, presence_of
from liveview.resources import ResourceChanged, Subscription
from liveview.streams import Stream
from project.polls.forms import PollForm
from project.polls.models import Choice, Poll, vote


@register("poll_list")
class PollList(LiveComponent):
    """Every poll with its vote total, as a stream: any write to any poll reaches it through
    the collection, and sends that poll's row only (docs/streams.md)."""

    template_name = "polls/poll_list.html"
    viewer_independent = True
    streams = {"polls": Stream(key="id")}

    def mount(self) -> None:
        self.stream("polls", self.rows())

    def rows(self) -> QuerySet[Any, Any]:
        totals = Poll.objects.annotate(total=Sum("choices__votes", default=0))
        return totals.values("id", "question", "total")

    def subscriptions(self) -> list[Subscription]:
        return [Poll]

    def resource_changed(self, change: ResourceChanged) -> None:
        pk = change.uri.rstrip("/").rsplit("/", 1)[-1]
        if not pk.isdigit():  # the whole collection changed: show it again
            self.stream_reset("polls", self.rows())
            return
        row = self.rows().filter(pk=pk).first()
        if row is None or change.method == "DELETE":
            self.stream_delete("polls", pk)
        else:
            self.stream_insert("polls", row)  # a new poll at the bottom, a vote in its place


@register("poll_results")
class PollResults(LiveComponent):
    """A poll's question and totals, the same for every viewer: rendered once per change."""

    template_name = "polls/poll_results.html"
    viewer_independent = True

    def mount(self, poll_id: int) -> None:
        self.poll_id = poll_id
        poll = Poll.objects.filter(pk=poll_id).first()
        self.deleted = poll is None
        self.question = poll.question if poll is not None else ""
        choices = list(Choice.objects.filter(poll_id=poll_id)) if poll is not None else []
        self.total = sum(c.votes for c in choices)
        self.choices = [
            {
                "text": c.text,
                "votes": c.votes,
                "percent": round(100 * c.votes / self.total) if self.total else 0,
            }
            for c in choices
        ]

    def subscriptions(self) -> list[Subscription]:
        return [f"{Poll.resource_collection}{self.poll_id}"]

    #: The choice this page's visitor voted for (told by the vote form): theirs, not shared.
    mine: str = ""

    @listens("poll-voted")
    def mark_mine(self, poll_id: int, choice: str) -> None:
        """The vote form next to it says which choice this visitor picked: mark that row."""
        if poll_id == self.poll_id:
            self.mine = choice


@register("poll_viewers")
class PollViewers(LiveComponent):
    """Who has this poll open, live: names for a logged-in visitor, a count for a guest."""

    template_name = "polls/poll_viewers.html"

    def mount(self, poll_id: int) -> None:
        self.poll_id = poll_id

    @property
    def topic(self) -> str:
        return f"{Poll.resource_collection}{self.poll_id}"

    def subscriptions(self) -> list[Subscription]:
        return [presence_of(self.topic)]

    def extra_context(self) -> dict[str, Presence]:
        return {"viewers": self.live.present(self.topic)}


@register("poll_vote")
class PollVote(LiveComponent):
    """One button per choice. Without JavaScript the same form posts to the vote view."""

    template_name = "polls/poll_vote.html"
    voted: str = ""

    def mount(self, poll_id: int) -> None:
        self.poll_id = poll_id
        self.choices = [
            {"id": c.pk, "text": c.text} for c in Choice.objects.filter(poll_id=poll_id)
        ]

    @event
    def vote(self, choice: int) -> None:
        texts = {c["id"]: c["text"] for c in self.choices}
        if choice in texts and vote(self.poll_id, choice):
            self.voted = str(texts[choice])
            self.live.notify("poll-voted", poll_id=self.poll_id, choice=self.voted)
            self.live.flash(f"Vote counted: {self.voted}.", level=messages.SUCCESS)
        else:
            self.voted = ""
            raise ValueError(f"{choice} is not a choice of this poll")


@register("poll_editor")
class PollEditor(ResourceEditor):
    """The question, editable by anyone in this demo: the sync table's conflict case, live."""

    template_name = "polls/poll_editor.html"
    model = Poll
    form_class = PollForm
    permission = None  # a real site keeps the default: the model's change permission

    @event
    def delete(self) -> None:
        """The poll and its votes, gone; the button asks first (`confirm=`), and without
        JavaScript the form's post goes to a confirmation page (views.poll_edit)."""
        if not self.can_edit():
            self._refuse("You may not delete this poll.", "delete")
            return
        poll = Poll.objects.filter(pk=self.pk).first()
        if poll is not None:
            poll.delete()  # published: every page showing it hears
        self.live.redirect("/polls/")
