# Refuses a websocket handshake whose Origin is not exactly an allowed (scheme, host, port),
# before any middleware or consumer runs. docs/security.md ("Origin") says why and how.
from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from asgiref.sync import markcoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host

from liveview.core import conf

logger = logging.getLogger("liveview")

Scope = dict[str, Any]
Receive = Any
Send = Any

# An origin as browsers serialise it (RFC 6454): scheme "://" host [":" port], nothing else.
_ORIGIN = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<netloc>[^/?#@\\\s]+)", re.ASCII)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# The page's scheme for the socket's scheme: a page served over https opens a wss socket.
_PAGE_SCHEME = {"ws": "http", "wss": "https"}
# Django's own fallback for ALLOWED_HOSTS = [] under DEBUG (HttpRequest.get_host).
_DEBUG_HOSTS = (".localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True, slots=True)
class Origin:
    """A parsed web origin; the port is always explicit (80/443 when the URL omits it)."""

    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Origin | None:
        """The origin `text` names, or None when it is not a plain http(s) origin."""
        match = _ORIGIN.fullmatch(text.lower())
        if match is None or match["scheme"] not in ("http", "https"):
            return None
        return cls._of(match["scheme"], match["netloc"])

    @classmethod
    def _of(cls, scheme: str, netloc: str) -> Origin | None:
        host, port = split_domain_port(netloc)
        if not host or (netloc.endswith(":") and not port):
            return None
        number = int(port) if port else _DEFAULT_PORTS[scheme]
        if not 0 < number < 65536:
            return None
        return cls(scheme, host, number)

    @classmethod
    def of_socket(cls, scope: Scope) -> Origin | None:
        """The origin of the page that may open this socket: its Host header, at its scheme."""
        hosts = [value for name, value in scope.get("headers", []) if name == b"host"]
        if len(hosts) != 1:
            return None
        scheme = _PAGE_SCHEME.get(str(scope.get("scheme", "ws")))
        if scheme is None:
            return None
        return cls._of(scheme, hosts[0].decode("latin-1").lower())


def allowed_origins() -> tuple[Origin, ...] | None:
    """`LIVEVIEW_ALLOWED_ORIGINS` parsed, or None when unset (same origin, ALLOWED_HOSTS)."""
    configured = conf.allowed_origins()
    if configured is None:
        return None
    parsed = []
    for text in configured:
        origin = Origin.parse(text)
        if origin is None:
            raise ImproperlyConfigured(
                f"LIVEVIEW_ALLOWED_ORIGINS: {text!r} is not an origin like 'https://example.com'"
            )
        parsed.append(origin)
    return tuple(parsed)


def origin_allowed(scope: Scope) -> bool:
    """Whether the handshake in `scope` comes from a page allowed to open the live socket."""
    values = [value for name, value in scope.get("headers", []) if name == b"origin"]
    if len(values) != 1:
        return False  # missing, or ambiguous
    origin = Origin.parse(values[0].decode("latin-1"))
    if origin is None:
        return False  # "null" (sandboxed frames, file://, some redirects), or not http(s)
    explicit = allowed_origins()
    if explicit is not None:
        return origin in explicit
    own = Origin.of_socket(scope)
    if own is None or (origin.scheme, origin.port) != (own.scheme, own.port):
        return False
    return validate_host(origin.host, _allowed_hosts())


def _allowed_hosts() -> Iterable[str]:
    hosts: list[str] = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        return _DEBUG_HOSTS
    return hosts


class OriginValidator:
    """ASGI middleware for websockets: an origin not allowed closes the handshake (HTTP 403).

    Settings are read on every handshake, so tests and ``override_settings`` apply at once.
    """

    def __init__(self, application: Any) -> None:
        self.application = application

    @markcoroutinefunction  # an ASGI 3 app to servers that inspect it (uvicorn's auto mode)
    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Not a coroutine: an allowed socket gets the inner application's own awaitable, so no
        # frame of this layer stays alive for the connection's lifetime (measured: ~0.4 KB less
        # per idle socket, bench/memory.py).
        if scope["type"] != "websocket":
            raise ValueError("liveview's OriginValidator only guards websocket connections")
        if origin_allowed(scope):
            return cast("Awaitable[None]", self.application(scope, receive, send))
        return _refuse(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    logger.info("liveview: refused a socket from origin %.200r", _origin_header(scope))
    message = await receive()
    if message["type"] == "websocket.connect":
        # A close before the accept: servers answer the handshake with 403.
        await send({"type": "websocket.close", "code": 1008})


def _origin_header(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"origin":
            return str(value.decode("latin-1"))
    return None
