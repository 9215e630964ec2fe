"""`python manage.py runserver` (Daphne's) in a project a test wrote, on a free loopback port,
for as long as a block runs: the quickstart's and the tutorial's replays both serve this way.

The block starts once the server listens, known from its own log line, not by trying the port
until it answers: Daphne logs "Listening on TCP address host:port" (logger `daphne.server`)
once its socket listens, but a project without LOGGING shows no INFO line, so `manage.py` runs
under a `python -c` preamble that gives the root logger a handler. Nothing else changes:
`manage.py` runs as `__main__`, from the project's directory, with the project's settings.
"""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"
SERVER_TIMEOUT = 60  # seconds: the most a start, a stop or an answer may take on a busy machine
#: `python manage.py ...` with Daphne's INFO log lines shown (see the module's docstring).
MANAGE_WITH_LOG = [
    sys.executable,
    "-c",
    "import logging, runpy, sys;"
    " logging.basicConfig(level=logging.INFO, format='%(name)s: %(message)s');"
    " sys.argv = ['manage.py', *sys.argv[1:]];"
    " runpy.run_path('manage.py', run_name='__main__')",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def runserver(project: Path, env: dict[str, str]) -> Iterator[str]:
    """`manage.py runserver` in `project` until the block ends; its "host:port", once listening.

    A thread reads the server's output (so the pipe never fills) and hands each line over; the
    wait ends on the listening line, on the server's exit (an error with its output) or after
    SERVER_TIMEOUT (an error too). Ctrl-C (SIGINT) stops it, as a developer stops it.
    """
    port = free_port()
    server = subprocess.Popen(
        [*MANAGE_WITH_LOG, "runserver", f"{HOST}:{port}", "--noreload"],
        cwd=project,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _until_listening(server, f"Listening on TCP address {HOST}:{port}")
        yield f"{HOST}:{port}"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=SERVER_TIMEOUT)
        if server.stdout is not None:
            server.stdout.close()


def _until_listening(server: subprocess.Popen[str], listening: str) -> None:
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.put(line)
        lines.put(None)  # the server exited

    threading.Thread(target=read, daemon=True).start()
    log: list[str] = []
    deadline = time.monotonic() + SERVER_TIMEOUT
    while True:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise AssertionError(
                f"runserver did not listen within {SERVER_TIMEOUT} s:\n" + "".join(log)
            ) from None
        if line is None:
            raise AssertionError("runserver exited before listening:\n" + "".join(log))
        log.append(line)
        if listening in line:
            return
