# What one client may cost: events per second (a token bucket), open sockets per user and per
# IP address (counted in this process, by the counts the app's ready() installs). Plain
# arithmetic, checked before a frame is parsed.
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from liveview.core import conf
from liveview.core.installed import Installed


@dataclass(slots=True)
class EventRate:
    """A token bucket. `allow()` is False for an event over the rate (it is dropped); `flooding`
    turns True once the dropped events outrun the rate by more than a burst."""

    rate: float
    burst: float
    tokens: float = 0.0
    strikes: float = 0.0
    last: float = field(default_factory=time.monotonic)

    @classmethod
    def from_settings(cls) -> EventRate:
        rate, burst = conf.event_rate()
        return cls(rate=rate, burst=burst, tokens=burst)

    def allow(self) -> bool:
        now = time.monotonic()
        elapsed, self.last = now - self.last, now
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.strikes = max(0.0, self.strikes - elapsed * self.rate)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.strikes += 1
        return False

    @property
    def flooding(self) -> bool:
        return self.strikes > self.burst


class ConnectionCounts:
    """Open live sockets per user and per IP in this process, for the connection caps."""

    def __init__(self) -> None:
        self.users: Counter[object] = Counter()
        self.ips: Counter[str] = Counter()

    def admit(self, user_pk: object | None, ip: str | None) -> bool:
        """Count one more socket, or False (counting nothing) when a cap is reached."""
        per_user, per_ip = conf.max_connections()
        if user_pk is not None and self.users[user_pk] >= per_user:
            return False
        if ip is not None and self.ips[ip] >= per_ip:
            return False
        if user_pk is not None:
            self.users[user_pk] += 1
        if ip is not None:
            self.ips[ip] += 1
        return True

    def release(self, user_pk: object | None, ip: str | None) -> None:
        if user_pk is not None:
            _decrement(self.users, user_pk)
        if ip is not None:
            _decrement(self.ips, ip)


def _decrement(counter: Counter[Any], key: object) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]


_slot: Installed[ConnectionCounts] = Installed("connection counts are")
#: Make counts the process's (the app's ready() does, once); returns them.
install = _slot.install
is_installed = _slot.is_installed
uninstall = _slot.uninstall
#: The process's connection counts; a clear error when the app has not installed them.
connections = _slot.get
