"""Resources: URIs, ETags that change on every write, publishing only after commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from liveview.pubsub.resources import (
    ResourceChanged,
    StaleResource,
    delete_if_match,
    save_if_match,
    touch,
    uri_of,
)
from project.commentary.models import Comment, Event
from project.polls.models import Choice, Poll, vote
from tests.conftest import Changes

pytestmark = pytest.mark.django_db(transaction=True)
Listen = Callable[[str], Awaitable[Changes]]
P = ParamSpec("P")
R = TypeVar("R")


def orm(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run ORM code in a thread of its own: not asgiref's shared sync thread, where the test
    database's in-memory SQLite connection would outlive this test (it cannot be closed)."""
    return sync_to_async(func, thread_sensitive=False)


class Rollback(Exception):
    pass


def make_poll(question: str = "Q?") -> Poll:
    poll = Poll.objects.create(question=question)
    Choice.objects.create(poll=poll, text="Yes")
    return poll


async def test_a_resource_has_a_uri_a_collection_and_an_etag() -> None:
    poll = await orm(make_poll)()
    assert poll.uri == f"/polls/{poll.pk}" and poll.get_collection_uri() == "/polls/"
    assert uri_of(poll) == poll.uri and uri_of(Poll) == "/polls/" and uri_of("/x") == "/x"
    assert len(poll.etag) == 16


async def test_every_save_changes_the_etag() -> None:
    poll = await orm(make_poll)()
    seen = {poll.etag}
    for _ in range(3):
        await orm(poll.save)()
        seen.add(poll.etag)
    assert len(seen) == 4


async def test_create_update_delete_publish_to_the_uri_and_the_collection(listen: Listen) -> None:
    collection = await listen("/polls/")
    poll = await orm(make_poll)()
    item = await listen(poll.uri)
    created = await collection()
    assert (created.method, created.uri, created.etag) == ("POST", poll.uri, poll.etag)
    poll.question = "Changed?"
    await orm(poll.save)()
    for next_change in (item, collection):
        assert (await next_change()) == ResourceChanged("PUT", poll.uri, "/polls/", poll.etag)
    await orm(poll.delete)()
    deleted = await item()
    assert (deleted.method, deleted.etag) == ("DELETE", None)


async def test_a_rolled_back_write_publishes_nothing(listen: Listen) -> None:
    collection = await listen("/polls/")

    def write_then_fail() -> None:
        with transaction.atomic():
            make_poll("Never committed?")
            raise Rollback

    with pytest.raises(Rollback):
        await orm(write_then_fail)()
    sentinel = await orm(make_poll)("Committed?")
    # The first change on the collection is the committed poll's, not the rolled-back one's
    # (compared by ETag: SQLite gives the committed poll the rolled-back one's pk again).
    assert (await collection()).etag == sentinel.etag
    assert not await orm(Poll.objects.filter(question="Never committed?").exists)()


async def test_publishing_waits_for_the_outer_transaction(listen: Listen) -> None:
    collection = await listen("/polls/")

    def two_writes() -> list[str]:
        with transaction.atomic():
            first = make_poll("One?")
            second = make_poll("Two?")
            # Nothing is sent yet: both are waiting for the commit.
            assert len(transaction.get_connection().run_on_commit) == 2
            return [first.uri, second.uri]

    uris = await orm(two_writes)()
    assert [(await collection()).uri for _ in uris] == uris


async def test_save_if_match_refuses_a_stale_etag_and_writes_nothing() -> None:
    poll = await orm(make_poll)("Original?")
    stale = poll.etag
    poll.question = "First writer?"
    await orm(save_if_match)(poll, stale)
    late = await orm(Poll.objects.get)(pk=poll.pk)
    late.question = "Second writer?"
    with pytest.raises(StaleResource) as refused:
        await orm(save_if_match)(late, stale)
    assert refused.value.current == poll.etag
    stored = await orm(Poll.objects.get)(pk=poll.pk)
    assert (stored.question, stored.etag) == ("First writer?", poll.etag)


async def test_touch_is_the_one_line_after_an_update_that_bypasses_save(listen: Listen) -> None:
    poll = await orm(make_poll)()
    item = await listen(poll.uri)
    old = poll.etag

    def bypass() -> list[ResourceChanged]:
        Poll.objects.filter(pk=poll.pk).update(question="Updated in bulk?")
        return touch(Poll.objects.filter(pk=poll.pk))

    [published] = await orm(bypass)()
    stored = await orm(Poll.objects.get)(pk=poll.pk)
    assert stored.etag != old and published.etag == stored.etag
    assert (await item()) == ResourceChanged("PUT", poll.uri, "/polls/", stored.etag)


async def test_touch_refuses_a_model_that_is_not_a_resource() -> None:
    with pytest.raises(TypeError):
        await orm(touch)(Choice.objects.all())


async def test_a_vote_changes_the_poll_and_publishes_it(listen: Listen) -> None:
    poll = await orm(make_poll)()
    item = await listen(poll.uri)
    choice = await orm(Choice.objects.get)(poll=poll)
    assert await orm(vote)(poll.pk, choice.pk)
    assert not await orm(vote)(poll.pk, choice.pk + 1000)
    stored = await orm(Poll.objects.get)(pk=poll.pk)
    assert (await item()).etag == stored.etag
    assert await orm(lambda: Choice.objects.get(pk=choice.pk).votes)() == 1


async def test_a_row_can_name_its_own_collection() -> None:
    def post() -> Comment:
        event = Event.objects.create(title="Final", starts="2026-01-01T00:00Z")
        return Comment.objects.create(event=event, name="Ann", body="Goal!")

    comment = await orm(post)()
    assert comment.get_collection_uri() == f"/events/{comment.event_id}/comments/"
    assert comment.uri == f"/events/{comment.event_id}/comments/{comment.pk}"


async def test_delete_if_match_refuses_a_stale_etag() -> None:
    poll = await orm(make_poll)()
    stale = poll.etag
    await orm(poll.save)()
    with pytest.raises(StaleResource):
        await orm(delete_if_match)(poll, stale)
    assert await orm(Poll.objects.filter(pk=poll.pk).exists)()
    await orm(delete_if_match)(poll, poll.etag)
    assert not await orm(Poll.objects.filter(pk=poll.pk).exists)()


async def test_saving_no_fields_writes_nothing_as_in_django() -> None:
    poll = await orm(make_poll)()
    before = poll.etag
    await orm(poll.save)(update_fields=[])
    assert await orm(lambda: Poll.objects.get(pk=poll.pk).etag)() == before


def test_subscribing_to_nothing_shares_one_empty_topic_set() -> None:
    # Every page of a process shares it: a frozenset() of its own costs 216 bytes each.
    from liveview.pubsub.resources import NO_TOPICS, topics_of

    assert topics_of([]) is NO_TOPICS
