"""The bench's server: uvicorn in a subprocess on a free loopback port, DEBUG off, a throw-away
SQLite database; stopped on exit, on errors, Ctrl-C and SIGTERM. Shared by the bench scripts.
"""

from __future__ import annotations

import os
import resource
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only
SERVER_START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


# DEBUG off needs a key of its own (project/settings.py refuses the public one); one per bench
# run, the same for every server and the client, which signs page tokens with it.
_SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)


def bench_env(sqlite_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=_SECRET_KEY,
        LIVEVIEW_SQLITE_PATH=str(sqlite_path),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


#: What this process takes from a bench server's environment (see `share_settings`).
SHARED_KEYS = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "LIVEVIEW_SQLITE_PATH",
)


def share_settings(env: dict[str, str], *extra: str) -> dict[str, str | None]:
    """Set this process's Django up on a bench server's settings: the client signs the page
    tokens with them. Returns what the environment held before, for `restore_environment`."""
    keys = (*SHARED_KEYS, *extra)
    saved = {key: os.environ.get(key) for key in keys}
    os.environ.update({key: env[key] for key in keys})
    import django

    django.setup()
    return saved


def restore_environment(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


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


def migrate(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")


def raise_open_files_limit(wanted: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards `wanted` (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


@contextmanager
def uvicorn_server(
    env: dict[str, str], port: int, log_path: Path, extra: Sequence[str] = ()
) -> Iterator[None]:
    """uvicorn in a subprocess for the duration of the block; stopped even on error.
    `extra`: more uvicorn options (``--ws wsproto``, say)."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.asgi:application",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        *extra,
    ]
    with served(command, env, port, log_path):
        yield


@contextmanager
def daphne_server(env: dict[str, str], port: int, log_path: Path) -> Iterator[None]:
    """daphne (the server the peers' measurements used, and ``runserver``'s under Channels)
    in a subprocess for the duration of the block; stopped even on error."""
    command = [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(port), "-v", "0"]
    with served([*command, "bench.asgi:application"], env, port, log_path):
        yield


@contextmanager
def served(command: list[str], env: dict[str, str], port: int, log_path: Path) -> Iterator[None]:
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(proc, port, log_path)
        yield
    finally:
        stop(proc)


def wait_until_serving(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{tail(log_path)}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server in {SERVER_START_TIMEOUT:.0f}s:\n{tail(log_path)}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so the `finally` blocks stop the server


def page_socket_path(
    socket_path: str, name: str, kwargs: dict[str, Any], *more: tuple[str, dict[str, Any]]
) -> tuple[str, str]:
    """A socket URL for a page showing component `name` (as ``lv-1``; the `more` components
    as ``lv-2``, ``lv-3``, ...), as its HTTP render would make it (signed page token and
    masked CSRF token), and the `csrftoken` cookie it is bound to.

    Needs Django set up with the server's settings (the token is signed with its key).
    """
    from django.http import HttpRequest
    from django.middleware.csrf import get_token

    from liveview.core.token import Binding, ComponentSpec, PageToken

    secret = secrets.token_hex(16)  # a browser's own CSRF secret: 32 characters
    specs = [ComponentSpec(n, f"lv-{i}", k) for i, (n, k) in enumerate([(name, kwargs), *more], 1)]
    signed = PageToken.new(tuple(specs), Binding.of(None, None, secret)).sign()
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = secret
    return f"{socket_path}?t={signed}&csrf={get_token(request)}", secret


def page_connection(port: int, path: str, secret: str, **options: Any) -> Any:
    """``websockets.connect`` to liveview's socket at `path` as a browser opens it: its
    ``Origin`` and ``csrftoken`` cookie (`secret`), no compression, no pings; `options` for
    ``connect`` (``max_size``, ``open_timeout``...). Use as ``async with``."""
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    return connect(
        f"ws://{HOST}:{port}{path}",
        origin=Origin(f"http://{HOST}:{port}"),
        additional_headers={"Cookie": f"csrftoken={secret}"},
        compression=None,
        ping_interval=None,
        **options,
    )
