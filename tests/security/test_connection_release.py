"""Every socket gives back what it took (its place in the per-IP and per-user counts, its hub
membership, its ticker, its metrics) on every way out: a client gone during the mount (uvicorn
raises ClientDisconnected from `send`) or any exception after it was admitted."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from uvicorn.protocols.utils import ClientDisconnected

from liveview.core.metrics import metrics
from liveview.pubsub.hub import existing_hub
from liveview.runtime import ticks
from liveview.socket import consumer as consumer_module
from liveview.socket import limits
from liveview.testing.socket import LiveCommunicator, Served
from tests.support import (
    HOST,
    ORIGIN,
    SECRET,
    Spec,
    application,
    communicator,
    connect,
    csrf_token_for,
    token,
)

PAGE: Spec = ("test_recorder", "lv-1", {})


class FailsOnFirstFrame:
    """The server as a client that went away sees it: the first frame's `send` raises."""

    def __init__(self, app: Any, error: type[BaseException]) -> None:
        self.app = app
        self.error = error

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def failing(message: dict[str, Any]) -> None:
            if message["type"] == "websocket.send":
                raise self.error("the client went away during the mount")
            await send(message)

        await self.app(scope, receive, failing)


async def aborted_handshake(error: type[BaseException]) -> None:
    path = f"/ws/liveview/?t={token(PAGE)}&csrf={csrf_token_for(SECRET)}"
    headers = [(b"host", HOST), (b"cookie", f"csrftoken={SECRET}".encode()), (b"origin", ORIGIN)]
    app = Served(FailsOnFirstFrame(application, error))
    comm = LiveCommunicator(app, path, headers=headers)
    connected, _ = await comm.connect()
    assert connected  # accepted, admitted, then the first frame failed
    with pytest.raises(error):
        await comm.wait(timeout=5)


@pytest.mark.parametrize("error", [ClientDisconnected, RuntimeError])
async def test_aborted_handshakes_give_back_their_place(
    settings: Settings, error: type[BaseException]
) -> None:
    # Sockets other tests left open from this address count too: the cap is three more.
    before = limits.connections().ips["127.0.0.1"]
    settings.LIVEVIEW_MAX_CONNECTIONS_PER_IP = before + 3
    open_before = consumer_module.open_count()
    closed_before = metrics.connections_closed
    for _ in range(3):
        await aborted_handshake(error)
    fourth, _ = await connect(PAGE)  # still admitted, not refused with 4429
    await fourth.disconnect()
    assert limits.connections().ips["127.0.0.1"] == before
    assert consumer_module.open_count() == open_before
    assert metrics.connections_closed == closed_before + 4  # each counted as closed


async def test_a_failure_after_joining_the_hub_leaves_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fails at the very end of connect: counted, mounted, sent, subscribed through the hub.
    def broken_start(consumer: Any) -> None:
        raise RuntimeError("the ticker could not start")

    monkeypatch.setattr(ticks, "start", broken_start)
    before = limits.connections().ips["127.0.0.1"]
    uri = "/released/1"
    comm = communicator(token(("test_watcher", "lv-1", {"uri": uri})))
    assert (await comm.connect())[0]
    assert f"{uri}=" in await comm.receive_from()
    with pytest.raises(RuntimeError):
        await comm.wait(timeout=5)
    found = existing_hub()
    assert found is None or found.subscriber_count(uri) == 0
    assert limits.connections().ips["127.0.0.1"] == before


async def test_a_socket_cancelled_during_its_mount_gives_back_its_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The server cancels the socket's task (a shutdown, a client gone) while the mount runs.
    loop = asyncio.get_running_loop()
    mounting, finish = asyncio.Event(), threading.Event()
    mount_and_render = consumer_module._mount_and_render

    def slow_mount(page: Any, signed: Any) -> str:
        loop.call_soon_threadsafe(mounting.set)
        finish.wait()
        return mount_and_render(page, signed)

    monkeypatch.setattr(consumer_module, "_mount_and_render", slow_mount)
    before = limits.connections().ips["127.0.0.1"]
    open_before = consumer_module.open_count()
    comm = communicator(token(PAGE))
    assert (await comm.connect())[0]
    await mounting.wait()
    assert limits.connections().ips["127.0.0.1"] == before + 1
    comm.future.cancel()
    with pytest.raises(asyncio.CancelledError):
        await comm.future
    finish.set()
    assert limits.connections().ips["127.0.0.1"] == before
    assert consumer_module.open_count() == open_before


def test_the_app_installs_the_processs_connection_counts() -> None:
    assert isinstance(limits.connections(), limits.ConnectionCounts)


async def test_counts_of_a_tests_own_see_only_its_sockets_and_leave_nothing_behind() -> None:
    before = limits.connections()
    own = limits.install(limits.ConnectionCounts())
    try:
        comm, _ = await connect(PAGE)
        assert own.ips == {"127.0.0.1": 1}
        await comm.disconnect()
        await comm.wait(timeout=5)
        assert own.ips == {}
    finally:
        limits.install(before)
    assert limits.connections() is before


def test_without_the_app_the_counts_say_what_is_missing() -> None:
    before = limits.connections()
    limits.uninstall()
    try:
        with pytest.raises(RuntimeError, match="INSTALLED_APPS"):
            limits.connections()
    finally:
        limits.install(before)
