"""A slow reader (CVE-class: unbounded buffering): a client that stops reading is closed with
1013 once 64 frames wait for it; the server holds no more than that, and fast clients still
get every update. Against a real uvicorn server and real TCP sockets."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from pytest_django.plugin import DjangoDbBlocker
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.sync.client import connect as ws_connect
from websockets.typing import Origin
from websockets.uri import parse_uri

from liveview.pubsub.publish import apublish, changed
from liveview.socket import consumer
from liveview.socket.outbox import BACKLOG_LIMIT
from liveview.socket.protocol import CloseCode
from tests.browser.support import LiveServer
from tests.components import STORE
from tests.support import SECRET, csrf_token_for, token

URI = "/slow/1"
UPDATES = 300


@pytest.fixture(scope="module")
def server(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[LiveServer]:
    with django_db_blocker.unblock():
        live = LiveServer()
        live.start()
        try:
            yield live
        finally:
            live.stop()


def socket_url(server: LiveServer) -> str:
    signed = token(("test_big_watcher", "lv-1", {"uri": URI}))
    host = server.base_url.removeprefix("http://")
    return f"ws://{host}/ws/liveview/?t={signed}&csrf={csrf_token_for(SECRET)}"


def open_unread_socket(server: LiveServer) -> tuple[socket.socket, ClientProtocol]:
    """A websocket whose client reads the handshake and then nothing (a tiny receive window)."""
    url = socket_url(server)
    protocol = ClientProtocol(parse_uri(url), origin=Origin(server.base_url), max_size=None)
    request = protocol.connect()
    request.headers["Cookie"] = f"csrftoken={SECRET}"
    protocol.send_request(request)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = server.base_url.removeprefix("http://").split(":")
    sock.connect((host, int(port)))
    sock.settimeout(10)
    sock.sendall(b"".join(protocol.data_to_send()))
    while (
        protocol.handshake_exc is None
        and not protocol.events_received()
        and protocol.state.name != "OPEN"
    ):
        protocol.receive_data(sock.recv(4096))
    assert protocol.handshake_exc is None
    return sock, protocol


def test_a_client_that_stops_reading_is_closed_and_others_get_every_update(
    server: LiveServer,
) -> None:
    STORE[URI] = 0
    slow, protocol = open_unread_socket(server)
    with ws_connect(
        socket_url(server),
        origin=Origin(server.base_url),
        additional_headers={"Cookie": f"csrftoken={SECRET}"},
        max_size=None,
    ) as fast:
        assert f"{URI}=0" in str(fast.recv(timeout=10))
        assert server.call(lambda: _async(consumer.open_count)) == 2

        # One update at a time (a broadcast shows the latest state, so updates published
        # faster than they are delivered would be merged): the fast client gets every one.
        for n in range(1, UPDATES + 1):
            server.call(lambda n=n: update(n))  # type: ignore[misc]
            assert f"{URI}={n}<" in str(fast.recv(timeout=10))
        # The slow one was given up on: only the fast one is still open on the server.
        assert server.call(lambda: _async(consumer.open_count)) == 1
    # When the slow client reads at last, it finds what was written before the queue filled,
    # then the close: 1013, so htmx reconnects and re-renders.
    received: list[Frame] = []
    while protocol.close_rcvd is None:
        data = slow.recv(1 << 20)
        if not data:
            break
        protocol.receive_data(data)
        received += [e for e in protocol.events_received() if isinstance(e, Frame)]
    slow.close()
    assert protocol.close_rcvd is not None and protocol.close_rcvd.code == CloseCode.TRY_AGAIN_LATER
    texts = [f for f in received if f.opcode in (Opcode.TEXT, Opcode.CONT)]
    assert len(texts) < UPDATES  # it never got them all: the server stopped queueing
    assert BACKLOG_LIMIT < UPDATES


async def update(n: int) -> None:
    STORE[URI] = n
    await apublish(changed("PUT", URI, "/slow/", str(n)))


async def _async(func: object) -> int:
    assert callable(func)
    result: int = func()
    return result
