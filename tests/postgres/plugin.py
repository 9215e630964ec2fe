"""`pytest -p tests.postgres.plugin`: what the SQLite tests need to run on PostgreSQL.

The run's header names the database the tests use. And some tests run ORM code in worker
threads (`sync_to_async(thread_sensitive=False)`), whose connections Django never closes:
SQLite does not mind, but psycopg warns of a connection garbage-collected open (when such a
thread ends: not an error here, the leak is the harness's, not the code under test's) and
PostgreSQL refuses to drop a database still in use (they are closed before it is dropped).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import psycopg
import pytest
from pytest_django import DjangoDbBlocker


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Exception ignored in. <function BaseConnection.__del__"
        ":pytest.PytestUnraisableExceptionWarning",
    )


@pytest.fixture(scope="session", autouse=True)
def _close_other_threads_connections(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        mine = connection.connection
        for each in gc.get_objects():
            if isinstance(each, psycopg.Connection) and each is not mine and not each.closed:
                each.close()


def pytest_report_header(config: pytest.Config) -> str:
    from django.db import connection

    return f"database: {connection.vendor} {connection.settings_dict['HOST']}"
