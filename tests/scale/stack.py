"""docs/deployment.md's whole recipe on PostgreSQL: a throw-away PostgreSQL server
(tests/postgres/server.py), Redis, two server processes started from the documented server unit
and two jobs workers started from the documented worker unit (`manage.py db_worker`), all on
one migrated database; nginx goes in front of the servers in the test (tests/scale/nginx.py).

The processes run the documented commands and environment with the test's settings module
(`tests.postgres.settings`: the demo's settings with DATABASES on PostgreSQL), paths and ports.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from bench.server import stop, tail
from tests.postgres.server import PostgresServer
from tests.scale.conftest import Cluster
from tests.scale.recipe import ROOT, WORKER_UNIT, unit_environment, worker_command
from tests.scale.support import RedisServer, ServerProcess, manage, server_env, write_secret_env


class JobsWorker:
    """`manage.py db_worker` in a process of its own, as the documented worker unit runs it."""

    def __init__(self, instance: str, env: dict[str, str], log_path: Path) -> None:
        self.command = worker_command(instance)
        self.worker_id = self.command[self.command.index("--worker-id") + 1]
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def log(self) -> str:
        return tail(self.log_path, 60)


@dataclass
class PostgresCluster(Cluster):
    """The cluster on PostgreSQL, with its jobs workers (`sqlite_path` is unused here)."""

    workers: tuple[JobsWorker, ...] = ()

    def heal(self) -> None:
        super().heal()
        for worker in self.workers:
            if not worker.running:
                worker.start()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the database the processes write, as they see it (committed rows)."""
        env = self.env
        dsn = (
            f"host={env['LIVEVIEW_POSTGRES_HOST']} port={env['LIVEVIEW_POSTGRES_PORT']}"
            f" user=postgres dbname={env['LIVEVIEW_POSTGRES_DB']}"
        )
        with psycopg.connect(dsn) as connection:
            return connection.execute(sql, params).fetchall()

    def votes(self, poll_id: int) -> dict[str, int]:
        rows = self.query(
            "SELECT text, votes FROM polls_choice WHERE poll_id = %s ORDER BY id", poll_id
        )
        return {str(text): int(votes) for text, votes in rows}

    def logs(self) -> str:
        workers = "\n".join(f"--- {w.worker_id} ---\n{w.log()}" for w in self.workers)
        return f"{super().logs()}\n{workers}"


@contextmanager
def postgres_cluster(
    postgres: PostgresServer, tmp: Path, extra_env: dict[str, str]
) -> Iterator[PostgresCluster]:
    """A new database on `postgres`, migrated, then Redis, two servers and two workers on it."""
    database = f"liveview_{secrets.token_hex(4)}"
    postgres.create_database(database)
    redis = RedisServer(tmp / "redis.log")
    redis.start()
    secret_env = write_secret_env(tmp / "secret.env")
    on_postgres = {**postgres.environment(database), "REDIS_URL": redis.url, **extra_env}
    env = {**server_env(tmp / "unused.sqlite3", redis.url, secret_env), **on_postgres}
    worker_env = {**os.environ, **unit_environment(secret_env, WORKER_UNIT), **on_postgres}
    servers = (
        ServerProcess("server-a", env, tmp / "server-a.log"),
        ServerProcess("server-b", env, tmp / "server-b.log"),
    )
    workers = tuple(JobsWorker(n, worker_env, tmp / f"worker-{n}.log") for n in ("1", "2"))
    cluster = PostgresCluster(redis, servers, tmp / "unused.sqlite3", env, workers)
    try:
        manage(env, "migrate", "--noinput", "-v", "0")  # before any server or worker starts
        cluster.heal()
        yield cluster
    finally:
        for worker in workers:
            worker.stop()
        for server in servers:
            server.stop()
        redis.stop()
