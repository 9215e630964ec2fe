from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import setup_databases, teardown_databases
from pytest_django.plugin import DjangoDbBlocker

import tests.components  # noqa: F401  (registers the test components)


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Always the test database, migrated and seeded, never the demo's db.sqlite3.

    pytest-django creates it only when a collected test is marked `django_db`; the browser
    tests are not (their server uses it from another thread), so a browser-only run would
    otherwise talk to the developer's database.
    """
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=0, interactive=False, aliases={"default": {}}, serialized_aliases=set()
        )
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(autouse=True)
def _close_sync_thread_connections() -> Iterator[None]:
    """After each test, close the database connection of asgiref's shared sync thread.

    Consumers and the test servers run ORM code there. SQLite's backend never closes a
    connection to an in-memory database (that would drop it; the main thread's keeps the
    shared test database alive), and a connection left there makes the next test without
    database access fail in channels' close_old_connections.
    """
    yield
    SyncToAsync.single_thread_executor.submit(_close_this_threads_connections).result(timeout=30)


def _close_this_threads_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            BaseDatabaseWrapper.close(connection)
