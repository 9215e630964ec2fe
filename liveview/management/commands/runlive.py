# `manage.py runlive [addrport]`: the development server and django-tasks' database worker in
# one command; Ctrl-C or SIGTERM stops both, and a job cut off by the stop ends "Interrupted".
# `make run` uses it.
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    help = "Run the development server and a jobs worker (manage.py db_worker) together."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload", action="store_true", help="Reload neither server nor worker."
        )

    def handle(self, *args: Any, addrport: str, noreload: bool, **options: Any) -> None:
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            # The autoreloader's child: the outer process started the worker already.
            call_command("runserver", addrport, use_reloader=True)
            return
        _refuse_a_taken_port(addrport)
        worker_id = f"runlive-{os.getpid()}-{secrets.token_hex(4)}"
        worker_args = [sys.executable, sys.argv[0], "db_worker", "--interval", "0.2"]
        worker_args += ["--worker-id", worker_id, "--no-reload" if noreload else "--reload"]
        worker = subprocess.Popen(worker_args)
        self.stdout.write(f"Jobs worker started (pid {worker.pid}).")
        try:
            # SIGTERM ends this too: with --noreload Daphne's handler stops the server, with
            # the reloader Django's raises SystemExit. Either way the worker is stopped below.
            call_command("runserver", addrport, use_reloader=not noreload)
        except KeyboardInterrupt:
            pass
        finally:
            _stop_worker(worker, worker_id)


def _stop_worker(worker: subprocess.Popen[bytes], worker_id: str) -> None:
    """Stop the worker; whatever job it was running ends "Interrupted", never "running".

    The worker records that itself (liveview.jobs) unless it could not: `db_worker --reload`
    SIGKILLs the process running the job when it is stopped, so what it left is marked here.
    """
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    from liveview.batteries.jobs import interrupt_claimed_by

    try:
        interrupt_claimed_by(worker_id)
    except DatabaseError as exc:  # not migrated yet, or the database is gone: nothing to mark
        sys.stderr.write(f"Could not check the jobs the worker left running: {exc}\n")


def _refuse_a_taken_port(addrport: str) -> None:
    """Fail before starting the worker when the server could not listen.

    Daphne's runserver logs "Listen failure" and keeps running, which would leave a worker
    serving no one behind a command that looks alive.
    """
    host, _, port = addrport.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {host}:{port} ({exc.strerror}): is another server running "
                "there? Stop it or pass another address, e.g. `manage.py runlive 8001`."
            ) from None
