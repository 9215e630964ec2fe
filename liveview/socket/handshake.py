# What the socket learns from its handshake, before anything mounts: the browser's CSRF secret
# (and whether the URL's token matches it), the session and user the page token must be bound
# to, the client's address and host. Pure functions of the ASGI scope; the consumer decides.
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import (  # type: ignore[attr-defined]
    CSRF_SESSION_KEY,
    InvalidTokenFormat,
    _check_token_format,
    _does_token_match,
    get_token,
)

from liveview.core.token import Binding


def csrf_ok(token: str, secret: str | None) -> bool:
    """The socket URL carries the page's CSRF token; it must match the browser's secret."""
    if not token or not secret:
        return False
    # Django's own check, as CsrfViewMiddleware runs it on a form's token. Django has no public
    # API for it: these two private helpers are used here and nowhere else, and
    # tests/security/test_handshake_csrf.py fails first if a Django release drops them.
    try:
        _check_token_format(token)
    except InvalidTokenFormat:
        return False
    return bool(_does_token_match(token, secret))


def client_ip(scope: dict[str, Any]) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def host(scope: dict[str, Any]) -> str:
    hosts = [v for k, v in scope.get("headers", ()) if k.lower() == b"host"]
    return hosts[0].decode("latin-1") if len(hosts) == 1 else ""


def csrf_secret(scope: dict[str, Any]) -> str | None:
    if getattr(settings, "CSRF_USE_SESSIONS", False):
        session = scope.get("session")
        return session.get(CSRF_SESSION_KEY) if session is not None else None
    cookies = scope.get("cookies") or {}
    secret = cookies.get(settings.CSRF_COOKIE_NAME)
    return secret if isinstance(secret, str) else None


def binding(scope: dict[str, Any], csrf_secret: str | None) -> Binding:
    return Binding.of_visitor(scope.get("user"), scope.get("session"), csrf_secret)


def masked_csrf_token(csrf_secret: str | None) -> str | None:
    """A CSRF token for `{% csrf_token %}` in re-renders, from the browser's own secret."""
    if not csrf_secret:
        return None
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = csrf_secret
    return get_token(request)
