# Basic credentials on the REST API: off unless LIVEVIEW_REST_BASIC_AUTH turns them on (each
# guess costs a password hash); failed attempts are counted per client IP and per username in
# Django's cache, and past the limit refused with 429 before any password is hashed.
from __future__ import annotations

import base64
import binascii
import hashlib
import math
import time
from collections.abc import Callable

from django.contrib.auth import authenticate
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse

from liveview import conf

#: The throttle's clock, in seconds (tests put their own).
clock: Callable[[], float] = time.time


def basic_enabled(override: bool | None) -> bool:
    """Whether an API reads Basic credentials: its own `basic_auth`, else the setting."""
    return conf.rest_basic_auth()[0] if override is None else override


def basic_login(request: HttpRequest) -> tuple[bool, HttpResponse | None]:
    """(Basic credentials were sent?, the 401 or 429 refusing them). Sets `request.user`."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    username, colon, password = decoded.partition(":")
    throttle = Throttle.for_request(request, username)
    wait = throttle.retry_after()
    if wait is not None:
        response = JsonResponse(
            {"error": f"too many failed logins; retry in {wait} s", "retry_after": wait},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return True, response
    user = authenticate(request, username=username, password=password) if colon else None
    if user is None:
        throttle.failed()
        response = JsonResponse({"error": "invalid Basic credentials"}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="api", charset="UTF-8"'
        return True, response
    request.user = user
    return True, None


class Throttle:
    """Failed Basic logins of one client IP and one username, in fixed windows of time."""

    def __init__(self, keys: list[str]) -> None:
        _, self.limit, self.window, alias = conf.rest_basic_auth()
        self.cache = caches[alias]
        self.now = clock()
        slot = int(self.now // self.window)
        self.ends = (slot + 1) * self.window
        self.keys = [f"liveview:rest-auth:{key}:{slot}" for key in keys]

    @classmethod
    def for_request(cls, request: HttpRequest, username: str) -> Throttle:
        keys = [f"ip:{_digest(request.META.get('REMOTE_ADDR') or '-')}"]
        if username:
            keys.append(f"user:{_digest(username)}")
        return cls(keys)

    def retry_after(self) -> int | None:
        """Seconds until this window ends, when a count in it has reached the limit."""
        counts = self.cache.get_many(self.keys)
        if any(int(n) >= self.limit for n in counts.values()):
            return max(1, math.ceil(self.ends - self.now))
        return None

    def failed(self) -> None:
        for key in self.keys:
            self.cache.add(key, 0, timeout=self.window)
            try:
                self.cache.incr(key)
            except ValueError:  # expired between the two calls: the window is starting again
                self.cache.set(key, 1, timeout=self.window)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16, person=b"liveview-rest").hexdigest()
