"""A throw-away PostgreSQL server for the tests: Debian's `postgresql` binaries, `initdb` in a
temporary folder, `pg_ctl` on a free loopback port, trust authentication, removed afterwards.

initdb refuses to run as root: as root (CI) the server runs as the `postgres` user that Debian's
package creates, through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.server import HOST, free_port, tail

#: Where Debian's `postgresql` package puts the server's binaries (one folder per version).
DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"
START_TIMEOUT = 60  # seconds
SUPERUSER = "postgres"


class PostgresMissing(RuntimeError):
    pass


def bindir() -> Path:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    on_path = shutil.which("initdb")
    if on_path is not None and shutil.which("pg_ctl") is not None:
        return Path(on_path).resolve().parent
    found = sorted(glob.glob(DEBIAN_BINDIRS), key=lambda d: int(Path(d).parent.name))
    for folder in reversed(found):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresMissing(
        "PostgreSQL is not installed: `make test` installs Debian's postgresql package"
        " (or run: apt-get install postgresql)"
    )


class PostgresServer:
    """A PostgreSQL cluster of its own on a free port; `start()`, `stop()`, `dsn_settings()`."""

    def __init__(self) -> None:
        self.bindir = bindir()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="liveview-postgres-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PostgresMissing(
                    "running as root, and there is no `postgres` user to run PostgreSQL as"
                    " (Debian's postgresql package creates it)"
                ) from None
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", SUPERUSER, "--"]

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.as_user, *command], capture_output=True, text=True, timeout=START_TIMEOUT
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{Path(command[0]).name} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                f"\n{tail(self.log_path)}"
            )

    def start(self) -> None:
        if not self.data.exists():
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses={HOST}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT),
            "start",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def environment(self, database: str) -> dict[str, str]:
        """What tests/postgres/settings.py reads to connect to `database` on this server."""
        return {
            "DJANGO_SETTINGS_MODULE": "tests.postgres.settings",
            "LIVEVIEW_POSTGRES_HOST": HOST,
            "LIVEVIEW_POSTGRES_PORT": str(self.port),
            "LIVEVIEW_POSTGRES_DB": database,
        }

    def create_database(self, name: str) -> None:
        import psycopg

        dsn = f"host={HOST} port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A started server, removed after the block.

    Missing PostgreSQL skips the test on a developer's machine and fails it under CI=true,
    where `make test` has installed it (the Makefile's `services` target).
    """
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
