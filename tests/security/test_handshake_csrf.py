"""Cross-site websocket hijacking: the socket opens only with the page's CSRF token."""

from __future__ import annotations

import pytest

from liveview.socket.protocol import CloseCode
from tests.security.components import MOUNTS
from tests.support import SECRET, Spec, closed_with, communicator, csrf_token_for, token

PAGE: Spec = ("test_recorder", "lv-1", {})


@pytest.mark.parametrize(
    "csrf",
    [
        pytest.param("", id="missing"),
        pytest.param("not-a-token", id="garbage"),
        pytest.param(csrf_token_for("b" * 32), id="another-browsers"),
    ],
)
async def test_a_socket_without_the_pages_csrf_token_is_refused(csrf: str) -> None:
    MOUNTS.clear()
    comm = communicator(token(PAGE), csrf=csrf)
    connected, _ = await comm.connect()
    assert connected  # accepted only to say why: the close code
    assert await closed_with(comm) == CloseCode.CSRF_FAILED
    assert MOUNTS == []


async def test_the_pages_own_csrf_token_opens_the_socket() -> None:
    MOUNTS.clear()
    comm = communicator(token(PAGE), csrf=csrf_token_for(SECRET))
    connected, _ = await comm.connect()
    assert connected
    assert "<p>x|0|" in await comm.receive_from()
    assert MOUNTS == ["lv-1"]
    await comm.disconnect()


async def test_the_token_is_checked_against_the_cookie_not_against_itself() -> None:
    # A forged pair: the URL's token matches a secret the attacker chose, not the victim's
    # cookie (the page token is bound to the victim's secret, too).
    comm = communicator(token(PAGE), cookie_secret=SECRET, csrf=csrf_token_for("c" * 32))
    await comm.connect()
    assert await closed_with(comm) == CloseCode.CSRF_FAILED


def test_djangos_private_csrf_helpers_the_handshake_uses_are_still_there() -> None:
    """Django has no public API to compare a masked CSRF token with a secret; csrf_ok uses
    the two private helpers CsrfViewMiddleware runs. This fails first if Django drops them."""
    import django.middleware.csrf as csrf

    from liveview.socket.handshake import csrf_ok, masked_csrf_token

    assert callable(getattr(csrf, "_does_token_match", None))
    assert callable(getattr(csrf, "_check_token_format", None))
    secret = "a" * 32
    masked = masked_csrf_token(secret)
    assert masked is not None and masked != secret
    assert csrf_ok(masked, secret) and csrf_ok(secret, secret)
    assert not csrf_ok(masked, "b" * 32)
    assert not csrf_ok("not-a-token", secret)
