"""A new Django project a test builds from a document (the README's quickstart,
docs/tutorial.md): the environment its commands run in, a command, and `python manage.py
runserver` (Daphne's) on a free loopback port for as long as a block runs.

The runserver block starts once the server listens, known from its own log line, not by trying
the port until it answers: Daphne logs "Listening on TCP address host:port" (logger
`daphne.server`) once its socket listens, but a project without LOGGING shows no INFO line, so
`manage.py` runs under a `python -c` preamble that gives the root logger a handler. Nothing
else changes: `manage.py` runs as `__main__`, from the project's directory, with its settings.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.process_output import Output

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
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


def project_env() -> dict[str, str]:
    """The environment of a new project's commands: this checkout's liveview (whatever is
    installed), this venv's commands first on PATH, no DJANGO_* variable of the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["PYTHONPATH"] = str(ROOT)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> str:
    """Run a command line as a shell user types it; its output (an error if it failed)."""
    result = subprocess.run(
        shlex.split(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"$ {command}\n{output}"
    return output


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
        Output(server, "runserver", SERVER_TIMEOUT).until(f"Listening on TCP address {HOST}:{port}")
        yield f"{HOST}:{port}"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=SERVER_TIMEOUT)
        if server.stdout is not None:
            server.stdout.close()
