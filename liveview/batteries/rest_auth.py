# Basic credentials on the REST API: off unless LIVEVIEW_REST_BASIC_AUTH turns them on (each
# guess costs a password hash); attempts are counted per client IP and per username in Django's
# cache before the hash (so guesses sent at once cannot all pass), given back when they succeed,
# and past the limit refused with 429 before any password is hashed.
from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import math
import time
import unicodedata
from collections.abc import Callable
from contextlib import suppress

from django.contrib.auth import authenticate
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse

from liveview.core import conf

#: The throttle's clock, in seconds (tests put their own).
clock: Callable[[], float] = time.time


def basic_enabled(override: bool | None) -> bool:
    """Whether an API reads Basic credentials: its own `basic_auth`, else the setting."""
    return conf.rest_basic_auth() if override is None else override


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
    wait = throttle.reserve()
    if wait is not None:
        response = JsonResponse(
            {"error": f"too many failed logins; retry in {wait} s", "retry_after": wait},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return True, response
    user = authenticate(request, username=username, password=password) if colon else None
    if user is None:  # the attempt stays counted
        response = JsonResponse({"error": "invalid Basic credentials"}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="api", charset="UTF-8"'
        return True, response
    throttle.succeeded()
    request.user = user
    return True, None


class Throttle:
    """Basic logins of one client IP and one username, in fixed windows of time: each counted
    before its password is hashed, and given back when it succeeds."""

    def __init__(self, keys: list[str]) -> None:
        self.limit, self.window, alias = conf.rest_auth_throttle()
        self.cache = caches[alias]
        self.now = clock()
        slot = int(self.now // self.window)
        self.ends = (slot + 1) * self.window
        self.keys = [f"liveview:rest-auth:{key}:{slot}" for key in keys]

    @classmethod
    def for_request(cls, request: HttpRequest, username: str) -> Throttle:
        keys = [f"ip:{_digest(_client(request.META.get('REMOTE_ADDR') or '-'))}"]
        if username:
            # One count for every spelling a backend may take for the same account: many
            # match usernames or emails case-insensitively (MySQL's default collation does).
            keys.append(f"user:{_digest(unicodedata.normalize('NFKC', username).casefold())}")
        return cls(keys)

    def reserve(self) -> int | None:
        """Count one attempt, before its password is hashed; or, when a count has reached the
        limit, the seconds until this window ends (and nothing is counted)."""
        counts = self.cache.get_many(self.keys)
        if not any(int(n) >= self.limit for n in counts.values()):
            reached = [self._incr(key) for key in self.keys]
            if all(n <= self.limit for n in reached):
                return None
            self.succeeded()  # attempts sent at once went past the limit: this one is refused
        return max(1, math.ceil(self.ends - self.now))

    def succeeded(self) -> None:
        """Give back the attempt `reserve` counted: a successful login is not a failure."""
        for key in self.keys:
            with suppress(ValueError):  # the window ended meanwhile: its count is gone
                self.cache.decr(key)

    def _incr(self, key: str) -> int:
        self.cache.add(key, 0, timeout=self.window)
        try:
            return int(self.cache.incr(key))
        except ValueError:  # expired between the two calls: the window is starting again
            self.cache.set(key, 1, timeout=self.window)
            return 1


def _client(address: str) -> str:
    """The throttled client: its IPv4 address, or its IPv6 /64 (one host commonly holds a
    whole /64, and would otherwise get a fresh count with each address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1, a dual-stack socket's IPv4 client
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16, person=b"liveview-rest").hexdigest()
