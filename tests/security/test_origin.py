"""Cross-site websocket hijacking: only the site's own pages (or listed origins) get a socket."""

from __future__ import annotations

import pytest
from asgiref.sync import iscoroutinefunction
from pytest_django.fixtures import Settings

from liveview.socket.origin import OriginValidator
from tests.security.layers import RecordingChannelLayer
from tests.support import Spec, application, communicator, token

SITE = b"example.com"
PAGE: Spec = ("test_recorder", "lv-1", {})


async def handshake(
    origin: bytes | None, *, host: bytes = SITE, scheme: str = "wss", extra: bytes | None = None
) -> bool:
    comm = communicator(token(PAGE), origin=origin, host=host, scheme=scheme)
    if extra is not None:
        comm.scope["headers"].append((b"origin", extra))
    connected, _ = await comm.connect()
    if connected:
        await comm.receive_from()
        await comm.disconnect()
    return bool(connected)


@pytest.fixture
def example(settings: Settings, debug: bool) -> None:
    settings.ALLOWED_HOSTS = ["example.com"]


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(None, id="missing"),
        pytest.param(b"null", id="null"),
        pytest.param(b"", id="empty"),
        pytest.param(b"https://evil.test", id="foreign"),
        pytest.param(b"https://prefix-example.com", id="suffix-lookalike"),
        pytest.param(b"https://example.com.evil.test", id="prefix-lookalike"),
        pytest.param(b"http://example.com", id="wrong-scheme"),
        pytest.param(b"https://example.com:8443", id="wrong-port"),
        pytest.param(b"https://example.com/", id="with-path"),
        pytest.param(b"https://user@example.com", id="with-userinfo"),
        pytest.param(b"file://example.com", id="other-scheme"),
        pytest.param(b"https://example.com:", id="empty-port"),
        pytest.param(b"https://example.com:99999", id="port-out-of-range"),
    ],
)
async def test_a_hijacking_origin_is_refused_before_anything_mounts(
    example: None, origin: bytes | None, mounts: list[str], layer: RecordingChannelLayer
) -> None:
    assert not await handshake(origin)
    assert mounts == []


async def test_the_sites_own_origin_is_accepted(
    example: None, mounts: list[str], layer: RecordingChannelLayer
) -> None:
    assert await handshake(b"https://example.com")
    assert mounts == ["lv-1"]
    # A socket takes no layer channel of its own: the process's hub holds the only one (on
    # Redis, each would be a subscription and a receive task per open page).
    assert layer.calls == []


async def test_an_explicit_default_port_is_the_same_origin(example: None) -> None:
    assert await handshake(b"https://example.com:443")


async def test_two_origin_headers_are_refused(example: None, mounts: list[str]) -> None:
    assert not await handshake(b"https://example.com", extra=b"https://evil.test")
    assert mounts == []


async def test_a_socket_without_a_host_header_is_refused(example: None) -> None:
    comm = communicator(token(PAGE), origin=b"https://example.com", host=b"", scheme="wss")
    comm.scope["headers"] = [h for h in comm.scope["headers"] if h[0] != b"host"]
    connected, _ = await comm.connect()
    assert not connected


async def test_a_subdomain_pattern_admits_subdomains_not_lookalikes(settings: Settings) -> None:
    settings.ALLOWED_HOSTS = [".example.com"]
    assert await handshake(b"https://www.example.com", host=b"www.example.com")
    assert await handshake(b"https://example.com")
    assert not await handshake(b"https://prefix-example.com", host=b"prefix-example.com")
    assert not await handshake(b"https://example.com.evil.test", host=b"example.com.evil.test")


async def test_a_page_served_from_the_dev_server_is_accepted(settings: Settings) -> None:
    settings.DEBUG, settings.ALLOWED_HOSTS = True, []
    assert await handshake(b"http://127.0.0.1:8000", host=b"127.0.0.1:8000", scheme="ws")
    assert await handshake(b"http://localhost:8000", host=b"localhost:8000", scheme="ws")


@pytest.mark.parametrize(
    "origin",
    [b"http://localhost:3000", b"https://127.0.0.1:8000", b"http://127.0.0.1", b"http://evil.test"],
)
async def test_another_local_port_or_scheme_is_refused_under_debug(
    settings: Settings, origin: bytes, mounts: list[str]
) -> None:
    settings.DEBUG, settings.ALLOWED_HOSTS = True, []
    assert not await handshake(origin, host=b"127.0.0.1:8000", scheme="ws")
    assert mounts == []


async def test_without_debug_an_empty_allowed_hosts_admits_nothing(settings: Settings) -> None:
    settings.DEBUG, settings.ALLOWED_HOSTS = False, []
    assert not await handshake(b"http://127.0.0.1:8000", host=b"127.0.0.1:8000", scheme="ws")


async def test_listed_origins_replace_the_sites_own(settings: Settings, debug: bool) -> None:
    # Behind a proxy that hides the public scheme and host, list the public origin.
    settings.ALLOWED_HOSTS = ["backend"]
    settings.LIVEVIEW_ALLOWED_ORIGINS = ["https://example.com"]
    assert await handshake(b"https://example.com", host=b"backend:8000", scheme="ws")
    assert not await handshake(b"http://backend:8000", host=b"backend:8000", scheme="ws")
    assert not await handshake(b"https://example.com:8443", host=b"backend:8000", scheme="ws")


async def test_the_validator_guards_websockets_only() -> None:
    async def never(scope: object, receive: object, send: object) -> None:
        raise AssertionError("reached")

    with pytest.raises(ValueError, match="websocket"):
        await OriginValidator(never)({"type": "http"}, None, None)


def test_the_real_app_is_guarded_by_liveviews_validator() -> None:
    websocket = application.application_mapping["websocket"]
    assert isinstance(websocket, OriginValidator)


def test_an_allowed_socket_runs_the_inner_application_with_no_frame_between(example: None) -> None:
    # The inner application's own awaitable comes back: no coroutine of the validator's stays
    # alive (and holds memory) for as long as the socket is open.
    inner = object()
    scope = {
        "type": "websocket",
        "scheme": "wss",
        "headers": [(b"host", SITE), (b"origin", b"https://example.com")],
    }
    assert OriginValidator(lambda *args: inner)(scope, None, None) is inner


def test_servers_see_the_validator_as_an_asgi_3_application() -> None:
    # uvicorn's `--interface auto` takes an app whose __call__ is no coroutine function for ASGI 2.
    assert iscoroutinefunction(OriginValidator(None).__call__)
