from __future__ import annotations

import asyncio
import json

import pytest
from channels.auth import AuthMiddlewareStack
from channels.layers import DEFAULT_CHANNEL_LAYER, InMemoryChannelLayer, get_channel_layer

from liveview.socket.consumer import LiveConsumer, close_all, open_count
from liveview.socket.protocol import CloseCode
from tests.support import closed_with, communicator, connect, sent_to, shown, token


async def test_connect_sends_every_component_of_the_token() -> None:
    comm, frame = await connect(("test_greeter", "lv-1", {}), ("test_child", "lv-2", {"start": 4}))
    assert 'id="lv-1"' in frame and "Hello world" in frame
    assert 'id="lv-2"' in frame and "<b>4</b>" in frame
    await comm.disconnect()


async def test_an_event_is_answered_with_the_changed_component() -> None:
    comm, first = await connect(("test_greeter", "lv-1", {}))
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "rename", "name": "Ada"}))
    frame = await comm.receive_from()
    assert sent_to(frame) == ["lv-1"] and "Hello Ada" in shown(first, frame)
    await comm.disconnect()


async def test_an_event_that_changes_nothing_gets_no_frame() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "same"}))
    assert await comm.receive_nothing(timeout=0.2)
    await comm.disconnect()


async def test_an_async_handler_runs() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "shout", "name": "ada"}))
    assert "Hello ADA" in await comm.receive_from()
    await comm.disconnect()


async def test_a_failing_handler_leaves_the_socket_open() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "explode"}))
    assert "Something went wrong in explode." in await comm.receive_from()
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "rename", "name": "Bo"}))
    assert "Hello Bo" in await comm.receive_from()
    await comm.disconnect()


async def test_a_missing_token_closes_with_4401() -> None:
    comm = communicator(None)
    await comm.connect()
    assert await closed_with(comm) == CloseCode.TOKEN_INVALID


async def test_a_tampered_token_closes_with_4401() -> None:
    signed = token(("test_greeter", "lv-1", {}))
    comm = communicator(signed[:-3] + ("aaa" if not signed.endswith("aaa") else "bbb"))
    await comm.connect()
    assert await closed_with(comm) == CloseCode.TOKEN_INVALID


async def test_a_token_of_another_browser_closes_with_4403() -> None:
    comm = communicator(token(("test_greeter", "lv-1", {})), cookie_secret="b" * 32)
    await comm.connect()
    assert await closed_with(comm) == CloseCode.TOKEN_FORBIDDEN


async def test_a_token_naming_no_live_component_closes_with_4404() -> None:
    comm = communicator(token(("not_registered", "lv-1", {})))
    await comm.connect()
    assert await closed_with(comm) == CloseCode.UNKNOWN_COMPONENT


@pytest.mark.parametrize("frame", ["not json", '{"event": "rename"}', "[]"])
async def test_a_frame_that_is_not_an_event_closes_with_4400(frame: str) -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    await comm.send_to(text_data=frame)
    assert await closed_with(comm) == CloseCode.BAD_MESSAGE


async def test_a_binary_frame_closes_with_4400() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    await comm.send_to(bytes_data=b"\x00\x01")
    assert await closed_with(comm) == CloseCode.BAD_MESSAGE


async def test_a_foreign_origin_is_refused_before_anything_mounts() -> None:
    comm = communicator(token(("test_greeter", "lv-1", {})), origin=b"https://evil.test")
    connected, _ = await comm.connect()
    assert not connected


async def test_a_live_socket_takes_no_layer_channel_of_its_own() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    layer = get_channel_layer()
    assert isinstance(layer, InMemoryChannelLayer)
    # The process's hub receives for every page; a socket's own channel would only cost memory.
    assert [name for name in layer.channels if not name.startswith("liveview.hub.")] == []
    await comm.disconnect()


async def test_close_all_asks_every_page_to_reconnect() -> None:
    first, _ = await connect(("test_greeter", "lv-1", {}))
    second, _ = await connect(("test_greeter", "lv-1", {}))
    assert open_count() == 2
    assert await close_all() == 2
    assert await closed_with(first) == CloseCode.RESYNC
    assert await closed_with(second) == CloseCode.RESYNC
    assert open_count() == 0


async def test_a_reconnect_renders_from_the_mount_arguments_again() -> None:
    signed = token(("test_child", "lv-1", {"start": 3}))
    comm = communicator(signed)
    await comm.connect()
    first = await comm.receive_from()
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "bump"}))
    assert "<b>103</b>" in shown(first, await comm.receive_from())
    await comm.disconnect()
    again = communicator(signed)
    await again.connect()
    assert "<b>3</b>" in await again.receive_from()
    await again.disconnect()


async def test_an_async_handler_with_wrong_arguments_shows_an_error() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "shout"}))
    assert "Invalid arguments for shout: name: Field required" in await comm.receive_from()
    await comm.disconnect()


async def test_an_idle_socket_holds_no_task_beside_its_own() -> None:
    warm, _ = await connect(("test_greeter", "lv-1", {}))  # the process's hub starts here
    before = asyncio.all_tasks()
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    extra = asyncio.all_tasks() - before
    # The communicator's task running the consumer, and no receive task waiting beside it.
    assert len(extra) == 1, [t.get_coro() for t in extra]
    await comm.disconnect()
    await warm.disconnect()


class LayeredConsumer(LiveConsumer):
    channel_layer_alias = DEFAULT_CHANNEL_LAYER

    async def relay(self, message: dict[str, str]) -> None:
        await self.send(text_data=message["text"])


async def test_a_subclass_naming_a_layer_gets_its_layer_channel() -> None:
    comm = communicator(token(("test_greeter", "lv-1", {})))
    comm.application.application = AuthMiddlewareStack(LayeredConsumer.as_asgi())
    connected, _ = await comm.connect()
    assert connected and 'id="lv-1"' in await comm.receive_from()
    layer = get_channel_layer()
    assert isinstance(layer, InMemoryChannelLayer)
    (channel,) = [name for name in layer.channels if not name.startswith("liveview.hub.")]
    await layer.send(channel, {"type": "relay", "text": "through the layer"})
    assert await comm.receive_from() == "through the layer"
    await comm.disconnect()
