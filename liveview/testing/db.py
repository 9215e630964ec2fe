# Database connections a live page leaves behind in asgiref's shared sync thread, where
# consumers run ORM code; a test suite closes them after each test.
from __future__ import annotations

from asgiref.sync import SyncToAsync
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


def close_sync_thread_connections(timeout: float = 30) -> None:
    """Close the database connections of asgiref's shared sync thread.

    SQLite's backend never closes a connection to an in-memory database (that would drop it;
    the test thread's keeps the shared test database alive), and a connection left there makes
    the next test without database access fail in channels' close_old_connections.
    """
    SyncToAsync.single_thread_executor.submit(_close_this_threads_connections).result(timeout)


def _close_this_threads_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            BaseDatabaseWrapper.close(connection)
