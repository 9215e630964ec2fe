"""Open redirects from a handler: `self.live.redirect(url)` sends only same-site targets.

A refused target fails the event like any handler error: the error banner in the component,
the state rolled back, and no redirect element in the frame, so the browser stays.
"""

from __future__ import annotations

import json

import pytest

from liveview.runtime.render import redirect_element
from tests.support import Spec, communicator, connect, token

PAGE: Spec = ("test_redirector", "lv-1", {})


async def go(url: str) -> str:
    comm, _ = await connect(PAGE)
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "go", "url": url}))
    frame: str = await comm.receive_from()
    await comm.disconnect()
    return frame


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("\tjavascript:alert(1)", id="tab-javascript"),
        pytest.param("//evil.test", id="protocol-relative"),
        pytest.param("https:\\\\evil.test", id="backslashes"),
        pytest.param("/ok\r\nSet-Cookie: a=b", id="crlf"),
        pytest.param("/ok\nx", id="lf"),
        pytest.param("https://evil.test/", id="foreign"),
        pytest.param("data:text/html,<script>alert(1)</script>", id="data"),
        pytest.param("http://127.0.0.1:9000/", id="other-port"),
    ],
)
async def test_an_unsafe_redirect_fails_the_event_and_sends_no_redirect(url: str) -> None:
    frame = await go(url)
    assert '<p class="lv-error" role="alert">Something went wrong in go.</p>' in frame
    assert "lv-redirect" not in frame
    assert "went: 0" in frame  # rolled back: the handler's change is undone


@pytest.mark.parametrize("url", ["/polls/1/", "/search?q=a%20b#top", "http://127.0.0.1:8000/x"])
async def test_a_same_site_redirect_is_sent_after_the_components_frame(url: str) -> None:
    frame = await go(url)
    assert "lv-error" not in frame
    assert frame.index("went: 1") < frame.index('id="lv-redirect"')
    assert frame.endswith(redirect_element(url))


async def test_the_redirect_element_escapes_the_url() -> None:
    frame = await go('/a?b="><script>x</script>')
    assert 'data-url="/a?b=&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in frame
    assert "<script>" not in frame


async def test_a_secure_page_may_not_redirect_to_plain_http() -> None:
    comm = communicator(token(PAGE), scheme="wss", origin=b"https://127.0.0.1:8000")
    assert (await comm.connect())[0]
    await comm.receive_from()
    await comm.send_to(
        text_data=json.dumps({"lv": "lv-1", "event": "go", "url": "http://127.0.0.1:8000/x"})
    )
    frame = await comm.receive_from()
    assert "lv-error" in frame and "lv-redirect" not in frame
    await comm.disconnect()


async def test_a_redirect_is_sent_once_only() -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "go", "url": "/x"}))
    assert "lv-redirect" in await comm.receive_from()
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "go", "url": "javascript:x"}))
    assert "lv-redirect" not in await comm.receive_from()
    await comm.disconnect()
