"""One PostgreSQL server for the package (tests/postgres/server.py), a database per test.

Missing PostgreSQL skips these tests on a developer's machine and fails them under CI=true,
where `make test` has installed it (the Makefile's `services` target).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from tests.postgres.server import PostgresMissing, PostgresServer


@pytest.fixture(scope="package")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
    except PostgresMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def database(postgres: PostgresServer) -> dict[str, str]:
    """A new, empty database on the server: the environment that points the demo at it."""
    name = f"liveview_{secrets.token_hex(4)}"
    postgres.create_database(name)
    return {**os.environ, **postgres.environment(name)}
