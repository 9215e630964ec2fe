"""The staff inspector: 404 for everyone else (page and socket), and what it shows."""

from __future__ import annotations

from dataclasses import replace

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from pytest_django.fixtures import Settings

from liveview.batteries.inspector import NAME, inspect_process
from liveview.core import conf, metrics
from liveview.runtime.page import Page
from liveview.socket.protocol import CloseCode
from liveview.testing.dom import Document
from tests.support import LiveCommunicator, Spec, closed_with, communicator, saved_session, token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_metrics")]

INSPECTOR: Spec = (NAME, "lv-1", {})


def make_user(name: str, *, staff: bool, active: bool = True) -> User:
    return User.objects.create_user(name, is_staff=staff, is_active=active)


def test_the_page_is_404_for_anonymous_users(client: Client) -> None:
    assert client.get("/liveview/").status_code == 404


def test_the_page_is_404_for_users_who_are_not_staff(client: Client) -> None:
    client.force_login(make_user("plain", staff=False))
    assert client.get("/liveview/").status_code == 404


def test_the_page_is_404_for_inactive_staff(client: Client) -> None:
    user = make_user("gone", staff=True, active=False)
    client.force_login(user, backend="django.contrib.auth.backends.AllowAllUsersModelBackend")
    assert client.get("/liveview/").status_code == 404


def test_staff_see_the_inspector(client: Client) -> None:
    client.force_login(make_user("staff", staff=True))
    response = client.get("/liveview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-lv="liveview.inspector"' in html and "Open connections" in html
    assert "channels.layers.InMemoryChannelLayer" in html


async def open_as(user: User | None) -> tuple[LiveCommunicator, str | None]:
    session = await sync_to_async(saved_session)(user) if user is not None else None
    pk = user.pk if user is not None else None
    comm = communicator(token(INSPECTOR, user_pk=pk, session=session), session=session)
    connected, _ = await comm.connect()
    assert connected
    return comm, session


async def test_the_socket_refuses_anonymous_users() -> None:
    comm, _ = await open_as(None)
    assert await closed_with(comm) == CloseCode.ACCESS_DENIED


async def test_the_socket_refuses_users_who_are_not_staff() -> None:
    user = await sync_to_async(make_user)("plain", staff=False)
    comm, _ = await open_as(user)
    assert await closed_with(comm) == CloseCode.ACCESS_DENIED


async def test_the_socket_serves_staff_and_ticks() -> None:
    user = await sync_to_async(make_user)("staff", staff=True)
    comm, _ = await open_as(user)
    first = await comm.receive_from()
    assert 'id="lv-1"' in first and "Open connections" in first
    ticked = await comm.receive_from(timeout=3)
    page = Document(first)
    page.apply(ticked)  # the tick's partial swaps (docs/updates.md), applied as htmx does
    assert page.one('[data-metric="connections_open"]').text == "1"  # itself, once it is open
    await comm.disconnect()


async def test_a_staff_user_demoted_has_the_socket_closed_with_4410() -> None:
    user = await sync_to_async(make_user)("demoted", staff=True)
    comm, _ = await open_as(user)
    await comm.receive_from()
    await sync_to_async(demote)(user.pk)
    assert await closed_after_ticks(comm) == CloseCode.ACCESS_REVOKED


async def closed_after_ticks(comm: LiveCommunicator) -> int:
    """The close code, after any tick frames that were on their way."""
    while True:
        message = await comm.receive_output(timeout=3)
        if message["type"] == "websocket.close":
            code: int = message["code"]
            return code


def demote(pk: int) -> None:
    user = User.objects.get(pk=pk)
    user.is_staff = False
    user.save()


def test_an_event_is_refused_once_the_user_is_not_staff() -> None:
    staff = make_user("staff", staff=True)
    page = Page(user=staff)
    comp = page.mount(NAME, "lv-1", {})
    page.render(comp, oob=False)
    page.user = make_user("plain", staff=False)
    frame = page.dispatch("lv-1", "clear_errors", {})
    assert frame is not None and "You are not allowed to clear_errors." in frame


def test_clear_errors_empties_the_recent_errors() -> None:
    metrics.metrics.errors.append(metrics.ErrorRecord(0.0, "X", "lv-9", None, "E: e"))
    page = Page(user=make_user("staff", staff=True))
    comp = page.mount(NAME, "lv-1", {})
    page.render(comp, oob=False)
    page.dispatch("lv-1", "clear_errors", {})
    assert inspect_process().errors == []


def test_recent_errors_are_shown_escaped(client: Client) -> None:
    record = metrics.ErrorRecord(0.0, "Greeter", "lv-3", "save", "ValueError: <script>x</script>")
    metrics.metrics.errors.append(record)
    client.force_login(make_user("staff", staff=True))
    html = client.get("/liveview/").content.decode()
    assert "ValueError: &lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html


def test_a_shared_layer_is_named_and_the_numbers_said_to_be_this_processs(
    client: Client, settings: Settings
) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "tests.test_inspector.SharedLayer"}}
    client.force_login(make_user("staff", staff=True))
    html = client.get("/liveview/").content.decode()
    assert "tests.test_inspector.SharedLayer" in html
    assert "the numbers below are this server process's only" in html


def test_the_in_memory_layer_is_not_called_shared() -> None:
    assert inspect_process().layer_shared is False


class _OwnInMemory(InMemoryChannelLayer):  # type: ignore[misc]  # channels is untyped
    pass


@pytest.mark.parametrize(
    ("layer", "in_memory"),
    [
        (InMemoryChannelLayer(), True),
        (_OwnInMemory(), True),
        ("channels.layers.InMemoryChannelLayer", True),
        ("channels_redis.pubsub.RedisPubSubChannelLayer", False),
        ("tests.test_inspector.SharedLayer", False),
        (None, False),
    ],
)
def test_one_function_says_whether_a_layer_is_in_memory(layer: object, in_memory: bool) -> None:
    assert conf.layer_in_memory(layer) is in_memory


class SharedLayer:
    """Stands in for channels-redis in the settings: any layer that is not the in-memory one."""

    def __init__(self, **kwargs: object) -> None:
        self.extensions: list[str] = []


def test_the_count_tables_show_each_row_and_none_when_empty() -> None:
    report = replace(
        inspect_process(),
        components=[("Counter", 2)],
        topics=[("polls/<1>", 3)],
        close_codes=[(4403, 1)],
        errors=[],
    )
    html = render_to_string("liveview/inspector.html", {"report": report})
    assert '<tr data-component="Counter"><td>Counter</td><td class="n">2</td></tr>' in html
    assert '<tr data-topic="polls/&lt;1&gt;"><td>polls/&lt;1&gt;</td><td class="n">3</td>' in html
    assert '<tr><td>4403</td><td class="n">1</td></tr>' in html
    assert '<th scope="col">Topic</th><th scope="col">Subscribers</th>' in html
    empty = replace(report, components=[], topics=[], close_codes=[])
    html = render_to_string("liveview/inspector.html", {"report": empty})
    assert html.count('<tr><td colspan="2">None</td></tr>') == 3
