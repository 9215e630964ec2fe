# Django's sync thread from async code: the one way the socket's turns run the ORM, handlers and
# templates (channels' database_sync_to_async: stale connections closed around the call).
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar, cast

from channels.db import database_sync_to_async

P = ParamSpec("P")
R = TypeVar("R")


def in_sync_thread(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run `func` in Django's sync thread, closing stale DB connections around it."""
    return cast("Callable[P, Awaitable[R]]", database_sync_to_async(func))
