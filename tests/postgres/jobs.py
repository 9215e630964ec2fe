"""The @job the several-worker tests run: it notes each run in a file, then, given a gate, waits
until the test opens it (PostgreSQL advisory lock `gate`, which the test holds while it is
closed): the job stays "running" exactly as long as the test wants, not for a guessed time."""

from __future__ import annotations

import os

from django.db import connection

from liveview.batteries.jobs import ProgressReporter, job


@job
def noted(progress: ProgressReporter, path: str, label: str, gate: int | None = None) -> str:
    """Append "<label> <worker pid>" to `path` (one line per run), then pass `gate`."""
    with open(path, "a") as notes:
        notes.write(f"{label} {os.getpid()}\n")
    if gate is not None:
        progress(0.5, f"{label}: at the gate")
        with connection.cursor() as cursor:
            # Shared: every job waiting at the gate passes together once the test lets go.
            cursor.execute("SELECT pg_advisory_lock_shared(%s)", [gate])
            cursor.execute("SELECT pg_advisory_unlock_shared(%s)", [gate])
    return label
