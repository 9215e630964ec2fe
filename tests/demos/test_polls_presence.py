"""Presence on the polls demo (issue 16, item 8): who has a poll open, in one process.

Several processes on Redis, and expiry after a kill: tests/test_presence_redis.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template import Engine, RequestContext
from django.urls import path
from django_components import register

from liveview import LiveComponent, event
from liveview.pubsub.presence import Presence, PresenceError, presence_of, presence_ttl
from liveview.pubsub.presence_registry import Viewer
from liveview.pubsub.resources import ResourceChanged, Subscription
from liveview.runtime.page import Page
from liveview.testing import LiveClient
from liveview.testing.page import LivePage
from project.polls.models import Choice, Poll

pytestmark = pytest.mark.django_db(transaction=True)


async def new_poll() -> Poll:
    poll = await Poll.objects.acreate(question="Lunch?")
    await Choice.objects.abulk_create(Choice(poll=poll, text=t) for t in ("Pizza", "Salad"))
    return poll


@sync_to_async
def user(name: str, full_name: str = "") -> User:
    first, _, last = full_name.partition(" ")
    return User.objects.create_user(name, password="pw", first_name=first, last_name=last)


async def viewers_become(page: LivePage, text: str) -> None:
    """Take the page's frames until its viewers line reads `text` (each change is one frame)."""
    while page.text(".viewers") != text:
        await page.next_frame()


async def test_two_viewers_see_each_other_and_a_closed_page_leaves(
    live_client: LiveClient,
) -> None:
    poll = await new_poll()
    await live_client.login(await user("alice"))
    alice = await live_client.open(f"/polls/{poll.pk}/")
    assert alice.text(".viewers") == "1 person viewing: alice"
    async with LiveClient() as other:
        await other.login(await user("bob", "Bob Builder"))
        bob = await other.open(f"/polls/{poll.pk}/")
        assert bob.text(".viewers") == "2 people viewing: alice and Bob Builder"
        await viewers_become(alice, "2 people viewing: alice and Bob Builder")
    await viewers_become(alice, "1 person viewing: alice")


async def test_a_guest_is_counted_and_sees_no_names(live_client: LiveClient) -> None:
    poll = await new_poll()
    await live_client.login(await user("alice"))
    alice = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as anonymous:
        guest = await anonymous.open(f"/polls/{poll.pk}/")
        assert guest.text(".viewers") == "2 people viewing"
        assert "alice" not in "".join(guest.frames)
        await viewers_become(alice, "2 people viewing: alice and 1 guest")


async def test_a_user_with_two_pages_open_is_one_person(live_client: LiveClient) -> None:
    poll = await new_poll()
    await live_client.login(await user("alice"))
    first = await live_client.open(f"/polls/{poll.pk}/")
    second = await live_client.open(f"/polls/{poll.pk}/")
    assert second.text(".viewers") == "1 person viewing: alice"
    await second.close()
    assert first.text(".viewers") == "1 person viewing: alice"


async def test_other_polls_viewers_are_not_counted(live_client: LiveClient) -> None:
    one, two = await new_poll(), await new_poll()
    await live_client.open(f"/polls/{one.pk}/")
    page = await live_client.open(f"/polls/{two.pk}/")
    assert page.text(".viewers") == "1 person viewing"


async def test_the_first_http_render_shows_nobody(live_client: LiveClient) -> None:
    """Presence is the open sockets': before its socket connects, a page is not viewing."""
    poll = await new_poll()
    await live_client.login(await user("alice"))
    await live_client.open(f"/polls/{poll.pk}/")
    response = await live_client.http.get(f"/polls/{poll.pk}/")
    assert b"viewing" not in response.content


@register("test_presence_counter")
class ReloadCounter(LiveComponent):
    """Shows who is viewing /things/1 and how often its data was reloaded."""

    template = "<p class='count'>{{ viewers.count }} / {{ reloads }}</p>"
    reloads: int = 0

    def subscriptions(self) -> list[Subscription]:
        return [presence_of("/things/1")]

    def resource_changed(self, change: ResourceChanged) -> None:
        self.reloads += 1

    def extra_context(self) -> dict[str, Presence]:
        return {"viewers": self.live.present("/things/1")}


def test_a_presence_change_rerenders_without_reloading_the_data() -> None:
    page = Page(connected=True)
    page.mount("test_presence_counter", "lv-1", {})
    page.render_all()
    uri = presence_of("/things/1")
    page.changed([ResourceChanged("PUT", uri, uri, None)])
    assert page.components["lv-1"].reloads == 0  # type: ignore[attr-defined]


def test_present_without_presence_of_is_a_clear_error() -> None:
    page = Page(connected=True)
    page.mount("test_presence_counter", "lv-1", {})
    with pytest.raises(PresenceError, match=r"presence_of\('/things/2'\)"):
        page.present("/things/2")


def test_a_page_counts_itself_before_its_socket_has_joined() -> None:
    page = Page(connected=True)
    page.mount("test_presence_counter", "lv-1", {})
    assert page.present("/things/1") == Presence(count=1, guests=1)


@pytest.mark.parametrize(
    ("presence", "text"),
    [
        (Presence(1, 0, ("alice",)), "alice"),
        (Presence(2, 0, ("alice", "bob")), "alice and bob"),
        (Presence(4, 2, ("alice", "bob")), "alice, bob and 2 guests"),
        (Presence(2, 1, ("alice",)), "alice and 1 guest"),
        (Presence(1, 1), "1 person"),
        (Presence(3, 1), "3 people"),
    ],
)
def test_presence_reads_as_english(presence: Presence, text: str) -> None:
    assert str(presence) == text


def test_names_are_shown_to_users_only_and_sorted() -> None:
    viewers = [
        Viewer("u:2", "bob"),
        Viewer("u:1", "Alice"),
        Viewer("g:x", ""),
        Viewer("u:2", "bob"),
    ]
    assert Presence.of(viewers, show_names=True) == Presence(3, 1, ("Alice", "bob"))
    assert Presence.of(viewers, show_names=False) == Presence(3, 1, ())


@register("test_presence_shared")
class SharedViewers(LiveComponent):
    """Declares itself viewer-independent, yet shows names: never rendered once for all."""

    template = "<p>{{ viewers }}</p>"
    viewer_independent = True

    def subscriptions(self) -> list[Subscription]:
        return [presence_of("/things/shared")]

    def extra_context(self) -> dict[str, Presence]:
        return {"viewers": self.live.present("/things/shared")}


@pytest.mark.django_db
def test_a_guest_never_gets_the_names_a_user_sees_through_a_shared_render() -> None:
    from django.contrib.auth.models import AnonymousUser

    from liveview.runtime.fanout import render_batch

    alice = User.objects.create_user("alice")
    mine, guests = Page(user=alice, connected=True), Page(user=AnonymousUser(), connected=True)
    for page in (mine, guests):
        page.mount("test_presence_shared", "lv-1", {})
        page.render_all()
    uri = presence_of("/things/shared")
    change = ResourceChanged("PUT", uri, uri, None)
    mine.records["lv-1"].html = "stale"  # so this broadcast renders it afresh
    frames = render_batch([(mine, [change]), (guests, [change])])
    assert frames[0] is not None and "alice" in frames[0]
    assert frames[1] is None or "alice" not in frames[1]


@register("test_presence_toggle")
class Toggle(LiveComponent):
    """Counted among /things/toggle's viewers until its user clicks "Stop"."""

    template = """{% load liveview %}{% if watching %}<p class="viewers">{{ viewers }}</p>
<button type="button" {% live "stop" %}>Stop</button>{% endif %}"""
    watching: bool = True

    def subscriptions(self) -> list[Subscription]:
        return [presence_of("/things/toggle")] if self.watching else []

    def extra_context(self) -> dict[str, Presence]:
        return {"viewers": self.live.present("/things/toggle")} if self.watching else {}

    @event
    def stop(self) -> None:
        self.watching = False


def toggle_page(request: HttpRequest) -> HttpResponse:
    text = '{% load liveview %}{% component "test_presence_toggle" / %}{% liveview_scripts %}'
    return HttpResponse(Engine.get_default().from_string(text).render(RequestContext(request)))


urlpatterns = [path("toggle/", toggle_page)]


@pytest.mark.urls(__name__)
async def test_a_page_that_stops_showing_presence_leaves_while_still_open(
    live_client: LiveClient,
) -> None:
    first = await live_client.open("/toggle/")
    async with LiveClient() as other:
        second = await other.open("/toggle/")
        await viewers_become(first, "2 people")
        await second.click(text="Stop")
        await viewers_become(first, "1 person")
        assert second.close_code is None  # still open: it left the topic, not the page


@pytest.mark.parametrize("ttl", [2, 0, -1, "5", True, float("nan")])
def test_a_bad_presence_ttl_is_a_clear_error(settings: Any, ttl: object) -> None:
    settings.LIVEVIEW_PRESENCE_TTL = ttl
    with pytest.raises(ImproperlyConfigured, match="LIVEVIEW_PRESENCE_TTL is a number"):
        presence_ttl()


def test_the_presence_ttl_defaults_to_five_seconds() -> None:
    assert presence_ttl() == 5.0
