"""`@event(on_loop=True)` and what else its reply runs: children (`{% component %}`; their
mount() and templates may read the database, so the reply is rendered in the sync thread),
a template or a subscriptions() that reads the database on the loop."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django_components import register

from liveview import LiveComponent, event
from liveview.pubsub.resources import Subscription
from tests.support import connect, shown

pytestmark = pytest.mark.django_db(transaction=True)


@register("test_loop_tabs")
class LoopTabs(LiveComponent):
    template = (
        "{% load liveview %}<h2>{{ tab }}</h2>"
        "{% if tab %}{% component 'test_db_child' tab=tab / %}{% endif %}"
    )
    tab: str = ""

    def mount(self, tab: str = "") -> None:
        self.tab = tab

    @event(on_loop=True)
    def show(self, tab: str) -> None:
        self.tab = tab


@register("test_db_child")
class DbChild(LiveComponent):
    template = "<b>{{ tab }}: {{ users }} users</b>"

    def mount(self, tab: str = "") -> None:
        from django.contrib.auth.models import User

        self.tab = tab
        self.users = User.objects.count()


async def _send(comm: Any, name: str, **values: object) -> str:
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": name, **values}))
    frame: str = await comm.receive_from()
    return frame


async def test_an_on_loop_reply_that_remounts_a_child_renders_in_the_sync_thread() -> None:
    comm, first = await connect(("test_loop_tabs", "lv-1", {"tab": "a"}))
    assert "a: 0 users" in shown(first)
    frame = await _send(comm, "show", tab="b")
    assert "b: 0 users" in shown(first, frame)
    assert "Something went wrong" not in frame
    await comm.disconnect()


async def test_an_on_loop_reply_that_shows_a_first_child_renders_in_the_sync_thread() -> None:
    comm, first = await connect(("test_loop_tabs", "lv-1", {}))
    frame = await _send(comm, "show", tab="a")
    assert "a: 0 users" in shown(first, frame)
    assert "Something went wrong" not in frame
    await comm.disconnect()


@register("test_loop_nested_tabs")
class LoopNestedTabs(LoopTabs):
    """The child's tag inside a block tag: `{% if %}` in a `{% for %}`."""

    template = (
        "{% load liveview %}<h2>{{ tab }}</h2>{% for n in '1' %}"
        "{% if tab %}{% component 'test_db_child' tab=tab / %}{% endif %}{% endfor %}"
    )


async def test_a_child_tag_nested_in_block_tags_counts_too() -> None:
    comm, first = await connect(("test_loop_nested_tabs", "lv-1", {}))
    frame = await _send(comm, "show", tab="a")
    assert "a: 0 users" in shown(first, frame)
    await comm.disconnect()


@register("test_loop_db_template")
class LoopDbTemplate(LiveComponent):
    """Its template reads the database once `count` is past 1 (a lazy relation, say)."""

    template = "<output>{{ count }}</output>{% if count > 1 %}{{ users.count }}{% endif %}"
    count: int = 0

    def extra_context(self) -> dict[str, Any]:
        from django.contrib.auth.models import User

        return {"users": User.objects.all()}

    @event(on_loop=True)
    def increment(self) -> None:
        self.count += 1


async def test_an_on_loop_reply_whose_template_reads_the_database_rolls_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    comm, first = await connect(("test_loop_db_template", "lv-1", {}))
    one = await _send(comm, "increment")
    with caplog.at_level(logging.ERROR, logger="liveview"):
        failed = await _send(comm, "increment")
    assert "Something went wrong while rendering." in failed
    assert "<output>1</output>" in shown(first, one, failed)
    assert (
        "rendering LoopDbTemplate failed on the event loop (an @event(on_loop=True) reply): "
        "it read the database"
    ) in caplog.text
    await comm.disconnect()


@register("test_loop_db_topics")
class LoopDbTopics(LiveComponent):
    """Its subscriptions() reads the database (asked again after every event)."""

    template = "<output>{{ count }}</output>"
    count: int = 0

    def subscriptions(self) -> list[Subscription]:
        from django.contrib.auth.models import User

        return [f"/users/{pk}" for pk in User.objects.values_list("pk", flat=True)]

    @event(on_loop=True)
    def increment(self) -> None:
        self.count += 1


async def test_an_on_loop_event_asks_subscriptions_on_the_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    comm, first = await connect(("test_loop_db_topics", "lv-1", {}))
    with caplog.at_level(logging.ERROR, logger="liveview"):
        frame = await _send(comm, "increment")
    assert "<output>1</output>" in shown(first, frame)
    assert "LoopDbTopics.subscriptions() failed" in caplog.text
    await comm.disconnect()
