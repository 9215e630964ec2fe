"""Pub/sub through real sockets: one layer membership per topic per process, local fan-out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from liveview.pubsub.hub import existing_hub
from liveview.pubsub.publish import apublish, changed, group_name
from tests.components import RENDERS, STORE
from tests.support import connect, sent_to, shown

URI = "/things/1"


@pytest.fixture(autouse=True)
def clean_store() -> None:
    STORE.clear()
    RENDERS.clear()


async def watch(uri: str = URI, name: str = "test_watcher", **kw: str) -> WebsocketCommunicator:
    comm, frame = await connect((name, "lv-1", {"uri": uri, **kw}))
    assert f"{uri}=" in frame
    return comm


async def change(uri: str = URI, value: int = 1, collection: str = "/things/") -> None:
    STORE[uri] = value
    await apublish(changed("PUT", uri, collection, str(value)))


def members(topic: str) -> int:
    layer = get_channel_layer()
    return len(layer.groups.get(group_name(topic), {}))


@pytest.fixture
async def two() -> AsyncIterator[tuple[WebsocketCommunicator, WebsocketCommunicator]]:
    a, b = await watch(), await watch()
    yield a, b
    await a.disconnect()
    await b.disconnect()


async def test_a_change_reaches_every_page_showing_the_uri(
    two: tuple[WebsocketCommunicator, ...],
) -> None:
    await change(value=7)
    for comm in two:
        assert f"{URI}=7" in await comm.receive_from()


async def test_a_change_to_another_uri_is_not_sent() -> None:
    mine, other = await watch(), await watch("/things/2")
    await change("/things/2", 5)
    assert "/things/2=5" in await other.receive_from()
    await change(URI, 6)  # the first frame `mine` gets is this one, not the other URI's
    assert f"{URI}=6" in await mine.receive_from()
    await mine.disconnect()
    await other.disconnect()


async def test_a_change_reaches_pages_watching_its_collection() -> None:
    comm = await watch("/things/9", collection="/things/")
    STORE["/things/9"] = 3
    await apublish(changed("POST", "/things/10", "/things/", "x"))
    assert "/things/9=3" in await comm.receive_from()
    await comm.disconnect()


async def test_one_layer_membership_per_topic_whatever_the_number_of_pages() -> None:
    comms = [await watch() for _ in range(5)]
    assert members(URI) == 1
    hub = existing_hub()
    assert hub is not None and hub.subscriber_count(URI) == 5
    for comm in comms:
        await comm.disconnect()


async def test_disconnect_leaves_no_group_members_and_no_tasks(
    two: tuple[WebsocketCommunicator, ...],
) -> None:
    assert members(URI) == 1
    for comm in two:
        await comm.disconnect()
    hub = existing_hub()
    assert hub is not None
    assert members(URI) == 0
    assert hub.subscriber_count(URI) == 0 and not hub.members and not hub.topics_of
    assert not hub._tasks


async def test_a_viewer_independent_component_is_rendered_once_per_change() -> None:
    shared = [await watch(name="test_shared_watcher") for _ in range(4)]
    own = [await watch() for _ in range(4)]
    before_shared, before_own = RENDERS["SharedWatcher"], RENDERS["Watcher"]
    await change(value=11)
    for comm in shared + own:
        assert f"{URI}=11" in await comm.receive_from()
    assert RENDERS["SharedWatcher"] - before_shared == 1
    assert RENDERS["Watcher"] - before_own == 4
    for comm in shared + own:
        await comm.disconnect()


async def test_shared_html_carries_no_viewer() -> None:
    comm, first = await connect(("test_shared_watcher", "lv-1", {"uri": URI}))
    await change(value=2)
    frame = await comm.receive_from()
    assert f"{URI}=2 user=</p>" in shown(first, frame) and "AnonymousUser" not in frame
    await comm.disconnect()


async def test_the_page_that_made_a_change_gets_it_once_in_its_own_reply() -> None:
    # Page A shows the URI twice (the acting component and a second one); page B once.
    a, frame = await connect(
        ("test_watcher", "lv-1", {"uri": URI}), ("test_watcher", "lv-2", {"uri": URI})
    )
    b = await watch()
    renders = RENDERS["Watcher"]
    await a.send_to(text_data=json.dumps({"lv": "lv-1", "event": "bump"}))
    reply = await a.receive_from()
    assert reply.count(f"{URI}=1") == 2 and sent_to(reply) == ["lv-1", "lv-2"]
    assert f"{URI}=1" in await b.receive_from()
    # The hub skipped page A for its own change: A's next frame is the next change.
    await change(value=2)
    assert f"{URI}=2" in await a.receive_from()
    assert f"{URI}=2" in await b.receive_from()
    # Each change was applied once per component: 3 renders for the bump, 3 for the next.
    # (Applied twice, A's components would render again, even with nothing new to send.)
    assert RENDERS["Watcher"] - renders == 6
    await a.disconnect()
    await b.disconnect()


async def test_a_change_repeated_on_both_topics_is_delivered_once() -> None:
    comm = await watch(URI, collection="/things/")
    await change(value=4)  # published to the URI's group and to the collection's
    assert f"{URI}=4" in await comm.receive_from()
    await change(value=5)
    assert f"{URI}=5" in await comm.receive_from()
    await comm.disconnect()


async def test_a_change_made_while_a_page_mounts_reaches_it_when_others_follow_the_topic() -> None:
    other = await watch()  # this process already follows the URI
    STORE[URI] = 5
    racy, frame = await connect(("test_racy_watcher", "lv-1", {"uri": URI}))
    assert f"{URI}=5<" in frame  # what mount read; the write right after it is caught up:
    assert f"{URI}=6<" in await racy.receive_from()
    await racy.disconnect()
    await other.disconnect()


async def test_a_change_made_while_a_page_mounts_reaches_it_on_a_new_topic() -> None:
    STORE["/things/new"] = 1
    racy, frame = await connect(("test_racy_watcher", "lv-1", {"uri": "/things/new"}))
    assert "/things/new=1<" in frame
    assert "/things/new=2<" in await racy.receive_from()
    await racy.disconnect()


async def test_a_twin_that_only_takes_html_keeps_a_bounded_list_of_changes() -> None:
    from liveview.runtime.changes import _PENDING_LIMIT
    from liveview.socket.consumer import _open

    shared = [await watch(name="test_shared_watcher") for _ in range(2)]
    for n in range(_PENDING_LIMIT + 20):
        await change(value=n + 1)
        for comm in shared:
            assert f"{URI}={n + 1} " in await comm.receive_from()
    comps = [c.page.components["lv-1"] for c in list(_open) if c.page is not None]
    assert max(len(c._lv.pending) for c in comps) <= _PENDING_LIMIT
    assert any(c._lv.refresh_due for c in comps)  # dropped for one refresh when next used
    for comm in shared:
        await comm.disconnect()


async def test_the_publish_ids_a_hub_remembers_stay_bounded() -> None:
    """Every publish carries its own id (the dedupe key): the hub keeps the latest _RECENT of
    them and of its log, however many changes it has heard."""
    from liveview.pubsub.received import RECENT as _RECENT

    comm = await watch()
    hub = existing_hub()
    assert hub is not None
    # as after _RECENT publishes:
    hub.received._recent.update((f"earlier-{n}", None) for n in range(_RECENT))
    for n in range(20):
        await change(value=n + 1)
        assert f"{URI}={n + 1}<" in await comm.receive_from()
    assert hub.seq >= 20
    recent = hub.received._recent
    assert len(recent) == _RECENT and "earlier-0" not in recent
    assert len(hub.received._log) <= _RECENT
    await comm.disconnect()


async def test_a_change_made_while_another_page_joins_the_topic_reaches_a_page_mounted_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Page A joins a topic new to this process; page B mounts while A's layer membership is
    being added, and a change is published after B's mount read the value but before the
    membership took effect: the hub never receives it. B subscribes after the join without
    joining anything itself, and must still catch up (a reload of the topic)."""
    layer = get_channel_layer()
    add, adding, gate = layer.group_add, asyncio.Event(), asyncio.Event()

    async def slow_add(group: str, channel: str) -> None:
        adding.set()
        await gate.wait()
        await add(group, channel)

    monkeypatch.setattr(layer, "group_add", slow_add)
    uri = "/things/joined-meanwhile"
    STORE[uri] = 1
    a, first_a = await connect(("test_watcher", "lv-1", {"uri": uri}))
    await adding.wait()  # A's join is under way
    b, first_b = await connect(("test_racy_watcher", "lv-1", {"uri": uri}))
    assert f"{uri}=1<" in first_a and f"{uri}=1<" in first_b  # B published 2 after reading 1
    gate.set()
    assert f"{uri}=2<" in await a.receive_from()  # A joined the topic: it reloads
    assert f"{uri}=2<" in await b.receive_from()
    await a.disconnect()
    await b.disconnect()
