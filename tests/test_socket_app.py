"""LiveSocketApplication: the live socket's cookies, session, user and route in one layer."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser, User

from liveview.socket.consumer import LiveConsumer, _open
from liveview.socket.socket_app import LiveSocketApplication
from tests.security.queries import sync_thread_db
from tests.support import SECRET, Spec, communicator, saved_session, token

__all__ = ["sync_thread_db"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_thread_db")]

PAGE: Spec = ("test_greeter", "lv-1", {})


async def opened(comm: Any) -> LiveConsumer:
    """The consumer serving `comm`, once its first render arrived."""
    before = set(_open)
    connected, _ = await comm.connect()
    assert connected
    assert 'id="lv-1"' in await comm.receive_from()
    (consumer,) = set(_open) - before
    return consumer


async def test_the_socket_has_the_sessions_user_session_and_cookies() -> None:
    user = await sync_to_async(User.objects.create_user)("ada")
    key = await sync_to_async(saved_session)(user)
    comm = communicator(token(PAGE, user_pk=user.pk, session=key), session=key)
    consumer = await opened(comm)
    assert consumer.scope["user"].pk == user.pk
    assert consumer.scope["session"].session_key == key
    assert consumer.scope["cookies"] == {"csrftoken": SECRET, "sessionid": key}
    await comm.disconnect()


async def test_a_socket_without_a_session_is_anonymous() -> None:
    comm = communicator(token(PAGE))
    consumer = await opened(comm)
    assert isinstance(consumer.scope["user"], AnonymousUser)
    assert consumer.scope["session"].session_key is None
    await comm.disconnect()


async def test_the_socket_is_served_below_a_root_path() -> None:
    comm = communicator(token(PAGE))
    comm.scope["root_path"] = "/app"
    comm.scope["path"] = "/app" + comm.scope["path"]
    await opened(comm)
    await comm.disconnect()


@pytest.mark.parametrize(
    ("path", "root_path"),
    [
        pytest.param("/ws/other/", "", id="other-path"),
        pytest.param("/ws/liveview/", "/app", id="outside-root-path"),
    ],
)
async def test_another_path_has_no_route(path: str, root_path: str) -> None:
    scope = {"type": "websocket", "path": path, "root_path": root_path, "headers": []}
    with pytest.raises(ValueError, match="No route found"):
        await LiveSocketApplication()(scope, None, None)


async def test_http_is_not_served() -> None:
    with pytest.raises(ValueError, match="websocket"):
        await LiveSocketApplication()({"type": "http", "path": "/ws/liveview/"}, None, None)
