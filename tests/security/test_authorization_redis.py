"""Authorization across a Redis outage: a logout or a revoked permission published while Redis
was down is lost, so when Redis is back every socket of a logged-in user checks its access
again, and the ones whose page is no longer theirs close with 4410.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from bench.redis_server import RedisServer
from liveview.pubsub import heartbeat
from liveview.pubsub import hub as hub_module
from liveview.pubsub.hub import Hub
from liveview.socket.protocol import CloseCode
from tests.security.test_authorization import EDITORS, MEMBERS, _logout, _perm, new_user, open_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_thread_db")]

TIMEOUT = 20.0  # seconds


@pytest.fixture
def redis(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RedisServer]:
    """A real redis-server as every consumer's channel layer, heartbeats every 0.1 s."""
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    monkeypatch.setattr(heartbeat, "HEARTBEAT_INTERVAL", 0.1)
    monkeypatch.setattr(heartbeat, "HEARTBEAT_TIMEOUT", 0.5)
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": server.url, "socket_connect_timeout": 1}]},
        }
    }
    assert isinstance(get_channel_layer(), RedisPubSubChannelLayer)
    yield server
    server.stop()


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            await asyncio.sleep(0.02)


def this_hub() -> Hub:
    found = hub_module.existing_hub()
    assert found is not None
    return found


async def closed_with(comm: WebsocketCommunicator) -> int:
    message = await comm.receive_output(timeout=TIMEOUT)
    assert message["type"] == "websocket.close"
    code: int = message["code"]
    return code


async def test_a_logout_while_redis_is_down_closes_the_socket_when_it_is_back(
    redis: RedisServer,
) -> None:
    user = await new_user("offline-leaver")
    comm, session = await open_as(user, MEMBERS)
    await comm.receive_from()
    redis.stop()
    await until(lambda: not this_hub().healthy)
    await sync_to_async(_logout)(session, user)  # its publish fails: Redis is down
    redis.start()
    assert await closed_with(comm) == CloseCode.ACCESS_REVOKED


async def test_a_permission_revoked_while_redis_is_down_closes_the_socket_when_it_is_back(
    redis: RedisServer,
) -> None:
    user = await new_user("offline-revoked", "change_poll")
    comm, _ = await open_as(user, EDITORS)
    await comm.receive_from()
    redis.stop()
    await until(lambda: not this_hub().healthy)
    revoke: Callable[[], Any] = lambda: User.objects.get(pk=user.pk).user_permissions.remove(  # noqa: E731
        _perm("change_poll")
    )
    await sync_to_async(revoke)()
    redis.start()
    assert await closed_with(comm) == CloseCode.ACCESS_REVOKED


async def test_a_socket_whose_access_did_not_change_stays_open_after_redis_is_back(
    redis: RedisServer,
) -> None:
    user = await new_user("offline-stayer", "change_poll")
    comm, _ = await open_as(user, EDITORS)
    await comm.receive_from()
    redis.stop()
    await until(lambda: not this_hub().healthy)
    redis.start()
    await until(lambda: this_hub().recoveries == 1)
    assert await comm.receive_nothing(timeout=0.5)
    await comm.disconnect()
