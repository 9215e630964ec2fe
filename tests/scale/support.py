"""Real parts for the several-process tests: a redis-server and uvicorn server processes on free
loopback ports, sharing one migrated SQLite file; each can be stopped, killed and restarted.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.server import HOST, free_port, stop, tail, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0  # seconds


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise RuntimeError(
            "redis-server is not installed: `make test` installs Debian's redis-server package"
            " (or run: apt-get install redis-server)"
        )
    return found


class RedisServer:
    """A throw-away redis-server on loopback: no persistence, so a restart forgets everything."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        command = [
            redis_server_binary(),
            "--bind",
            HOST,
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{tail(self.log_path)}")
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer PING:\n{tail(self.log_path)}")

    def ping(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


class ServerProcess:
    """`project.asgi:application` under uvicorn in a process of its own."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        self.name = name
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
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "project.asgi:application",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
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


def server_env(sqlite_path: Path, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DJANGO_DEBUG="0",
        LIVEVIEW_SQLITE_PATH=str(sqlite_path),
        REDIS_URL=redis_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command in a process of its own; its stdout."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


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
