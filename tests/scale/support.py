"""Real parts for the several-process tests: server processes started as docs/deployment.md's
systemd unit starts them (tests/scale/recipe.py), on free loopback ports, sharing one migrated
SQLite file, and a redis-server (bench.redis_server); each can be stopped, killed and restarted.
"""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from bench.redis_server import RedisServer
from bench.server import HOST, free_port, manage, stop, tail, wait_until_serving
from tests.scale.recipe import ROOT, unit_environment, uvicorn_command

__all__ = [
    "RedisServer",
    "ServerProcess",
    "manage",
    "new_poll",
    "server_env",
    "votes_in_db",
    "write_secret_env",
]

START_TIMEOUT = 30.0  # seconds


class ServerProcess:
    """`project.asgi:application` in a process of its own, by default the unit's ExecStart."""

    def __init__(
        self,
        name: str,
        env: dict[str, str],
        log_path: Path,
        command: Callable[[int], list[str]] = uvicorn_command,
    ) -> None:
        self.name = name
        self.command = command
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command(self.port),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_serving(self.proc, self.port, self.log_path)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to the sockets or to Redis."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def log(self) -> str:
        return tail(self.log_path, 60)


def server_env(sqlite_path: Path, redis_url: str, environment_file: Path) -> dict[str, str]:
    """The unit's environment (and `environment_file`'s), with the test's database and Redis."""
    env = dict(os.environ)
    env.update(unit_environment(environment_file))
    env.update(LIVEVIEW_SQLITE_PATH=str(sqlite_path), REDIS_URL=redis_url)
    return env


def write_secret_env(path: Path) -> Path:
    """What the unit's EnvironmentFile holds: a secret key, the same for every process."""
    path.write_text(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n")
    return path


def new_poll(env: dict[str, str], question: str, choices: list[str]) -> int:
    """A poll created by a third process (the shell): its pk."""
    code = (
        "from project.polls.models import Poll;"
        f"p = Poll.objects.create(question={question!r});"
        f"[p.choices.create(text=t) for t in {choices!r}];"
        "print(p.pk)"
    )
    return int(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def votes_in_db(sqlite_path: Path, poll_id: int) -> dict[str, int]:
    """What the database holds, read with sqlite3 (no Django in the test process)."""
    with sqlite3.connect(sqlite_path) as db:
        rows = db.execute(
            "SELECT text, votes FROM polls_choice WHERE poll_id = ? ORDER BY id", (poll_id,)
        ).fetchall()
    return {str(text): int(votes) for text, votes in rows}
