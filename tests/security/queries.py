"""Seeing the SQL a socket runs: the consumer (and channels' auth) query in Django's sync thread.

Django's connections are per thread, so `CaptureQueriesContext` in the test's thread sees
nothing of that. The spy is installed on the sync thread's own connection instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Tables channels' AuthMiddlewareStack reads to find the session and its user, before the
# consumer runs; every other query would be the consumer's.
AUTH_TABLES = ("django_session", "auth_user")


class QuerySpy:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.sql.append(sql)
        return execute(sql, params, many, context)

    def beyond_auth(self) -> list[str]:
        """The queries that were not the session and user lookup."""
        return [q for q in self.sql if not any(f'"{t}"' in q for t in AUTH_TABLES)]


def _install(spy: QuerySpy) -> None:
    connection.execute_wrappers.append(spy)


def _remove(spy: QuerySpy) -> None:
    connection.execute_wrappers.remove(spy)


@pytest.fixture
async def queries() -> AsyncIterator[QuerySpy]:
    spy = QuerySpy()
    await database_sync_to_async(_install)(spy)
    yield spy
    await database_sync_to_async(_remove)(spy)


def _close_this_threads_connection() -> None:
    # SQLite's backend never closes a connection to an in-memory database (that would drop the
    # database). This is the sync thread's second connection to the shared test database, which
    # the test thread's keeps alive; left open, it would make the next test without database
    # access fail in channels' close_old_connections.
    BaseDatabaseWrapper.close(connections["default"])


@pytest.fixture
async def sync_thread_db() -> AsyncIterator[None]:
    """For tests whose sockets use the database: closes the sync thread's connection after."""
    yield
    await database_sync_to_async(_close_this_threads_connection)()
