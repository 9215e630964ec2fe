"""One PostgreSQL server for the package (tests/postgres/server.py), a database per test.

Missing PostgreSQL skips these tests on a developer's machine and fails them under CI=true,
where `make test` has installed it (the Makefile's `services` target).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from tests.postgres.server import PostgresServer, running_postgres


@pytest.fixture(scope="package")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def database(postgres: PostgresServer) -> dict[str, str]:
    """A new, empty database on the server: the environment that points the demo at it."""
    name = f"liveview_{secrets.token_hex(4)}"
    postgres.create_database(name)
    return {**os.environ, **postgres.environment(name)}
