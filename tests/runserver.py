"""`python manage.py runserver` (Daphne's) in a project a test wrote, on a free loopback port,
for as long as a block runs: the quickstart's and the tutorial's replays both serve this way.

The block starts once the server listens, known from its own log line, not by trying the port
until it answers: Daphne logs "Listening on TCP address host:port" (logger `daphne.server`)
once its socket listens, but a project without LOGGING shows no INFO line, so `manage.py` runs
under a `python -c` preamble that gives the root logger a handler. Nothing else changes:
`manage.py` runs as `__main__`, from the project's directory, with the project's settings.

`Output` is that wait on a process's output lines; tests/test_runlive.py waits on it too.
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

    The wait ends on the listening line, or fails the test on the server's exit or after
    SERVER_TIMEOUT (with its output). Ctrl-C (SIGINT) stops it, as a developer stops it.
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
        Output(server, "runserver").until(f"Listening on TCP address {HOST}:{port}")
        yield f"{HOST}:{port}"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=SERVER_TIMEOUT)
        if server.stdout is not None:
            server.stdout.close()


class Output:
    """A process's output, read by a thread as it comes (so its pipe never fills).

    `until(*texts)` waits for the next line holding every text: an event, not a poll; it fails
    the test with all read so far if the process ends first or after SERVER_TIMEOUT seconds.
    """

    def __init__(self, process: subprocess.Popen[str], name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line)
        self._queue.put(None)  # the process ended

    def until(self, *texts: str) -> str:
        """The next line holding every one of `texts`."""
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            try:
                line = self._queue.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no line with {texts} in {self.name}'s output:\n{self.text}")
            self.lines.append(line)
            if all(text in line for text in texts):
                return line

    @property
    def text(self) -> str:
        """The lines `until` has read."""
        return "".join(self.lines)

    def seen(self) -> str:
        """Every line read so far, waited for or not (for a failure's report)."""
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return self.text
            if line is None:
                self._queue.put(None)  # still ended for a later `until`
                return self.text
            self.lines.append(line)
