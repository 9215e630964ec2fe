"""Bytes sent, per component class and per event: measured where frames leave the server, through
real sockets (how one frame is split and counted: test_frame_bytes.py)."""

from __future__ import annotations

import logging

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.test import AsyncClient, Client

from liveview.batteries.inspector import inspect_process
from liveview.core import metrics
from liveview.testing import LiveClient
from project.polls.models import Choice, Poll
from tests.bytes_counted import component_row, utf8

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_metrics")]

FIRST = "[aria-label='First counter']"


# -- through real sockets -----------------------------------------------------------------------


async def test_a_click_records_its_bytes_under_the_class_and_the_event(
    live_client: LiveClient,
) -> None:
    page = await live_client.open("/counter/")
    connect_frame = page.frames[-1]
    await page.click(f"{FIRST} button", text="Increment")
    answer = page.frames[-1]
    clicked = metrics.metrics.bytes_by_event[("Counter", "increment")]
    assert (clicked.count, clicked.total, clicked.max) == (1, utf8(answer), utf8(answer))
    connected = metrics.metrics.bytes_by_event[("", "connect")]
    assert (connected.count, connected.total) == (1, utf8(connect_frame))
    counter = component_row("Counter")
    assert counter.count == 2 + 1  # two counters at connect, one in the click's answer
    assert counter.samples[-1] == utf8(answer)  # the answer is the counter's part alone
    # At connect each counter's part is its wrapper element; the epoch element is no one's.
    epoch = connect_frame[connect_frame.index('<div id="lv-epoch"') :]
    assert sum(list(counter.samples)[:2]) == utf8(connect_frame) - utf8(epoch)


async def test_an_event_refused_is_recorded_under_its_name(live_client: LiveClient) -> None:
    page = await live_client.open("/counter/")
    await page.send("no_such_event", component=FIRST)
    refused = metrics.metrics.bytes_by_event[("Counter", "no_such_event")]
    assert refused.count == 1 and refused.total == utf8(page.frames[-1])


async def test_many_distinct_event_names_from_a_socket_stay_bounded(
    live_client: LiveClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "BYTES_KEYS", 3)
    page = await live_client.open("/counter/")
    for n in range(8):
        await page.send(f"nope{n}", component=FIRST)
    keys = set(metrics.metrics.bytes_by_event)
    assert len(keys) == 3 + 1 and metrics.OTHER_KEY in keys


async def new_poll() -> Poll:
    poll = await Poll.objects.acreate(question="Lunch?")
    await Choice.objects.abulk_create(Choice(poll=poll, text=t) for t in ("Pizza", "Salad"))
    return poll


async def test_a_broadcast_records_under_broadcast(live_client: LiveClient) -> None:
    poll = await new_poll()
    voter = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as other:
        watcher = await other.open(f"/polls/{poll.pk}/")
        await voter.click(text="Salad")
        pushed = await watcher.next_frame()
    broadcast = metrics.metrics.bytes_by_event[("", "broadcast")]
    assert broadcast.count >= 1 and broadcast.total >= utf8(pushed)
    assert utf8(pushed) in broadcast.samples
    voted = [k for k in metrics.metrics.bytes_by_event if k[1] == "vote"]
    assert len(voted) == 1  # the voter's click, under its own class and event


async def test_the_inspector_page_shows_both_tables(live_client: LiveClient) -> None:
    page = await live_client.open("/counter/")
    await page.click(f"{FIRST} button", text="Increment")
    answer = utf8(page.frames[-1])
    user = await sync_to_async(User.objects.create_user)("staff", is_staff=True)
    http = AsyncClient()
    await http.aforce_login(user)
    html = (await http.get("/liveview/")).content.decode()
    assert "<h2>Bytes sent per component</h2>" in html
    assert "<h2>Bytes sent per event</h2>" in html
    assert '<tr data-bytes="Counter">' in html
    row = html.split('<tr data-event-bytes="Counter.increment">', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="n">{answer}</td>' in row  # total, p50 and max of the one send
    report = inspect_process()
    assert report.bytes_by_event[0].total >= report.bytes_by_event[-1].total  # busiest first


def test_an_event_name_from_a_client_is_shown_escaped(client: Client) -> None:
    metrics.metrics.count_event_bytes(("Counter", "<script>x</script>"), 7)
    client.force_login(User.objects.create_user("staff", is_staff=True))
    html = client.get("/liveview/").content.decode()
    assert 'data-event-bytes="Counter.&lt;script&gt;x&lt;/script&gt;"' in html
    assert "<script>x</script>" not in html


async def test_the_event_log_line_carries_the_bytes(
    live_client: LiveClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="liveview.event")
    page = await live_client.open("/counter/")
    await page.click(f"{FIRST} button", text="Increment")
    (handled,) = [r for r in caplog.records if getattr(r, "lv_action", None) == "event"]
    assert handled.lv_bytes == utf8(page.frames[-1])  # type: ignore[attr-defined]


async def test_a_tick_records_under_tick(live_client: LiveClient) -> None:
    user = await sync_to_async(User.objects.create_user)("ticker", is_staff=True)
    await live_client.login(user)
    page = await live_client.open("/liveview/")  # the inspector ticks once a second
    ticked = await page.next_frame(timeout=5)
    tick = metrics.metrics.bytes_by_event[("", "tick")]
    assert utf8(ticked) in tick.samples
    assert utf8(ticked) in component_row("Inspector").samples  # its part is the whole frame
