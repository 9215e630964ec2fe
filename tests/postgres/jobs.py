"""The @job the several-worker tests run: it notes each run in a file, then works a while."""

from __future__ import annotations

import os
import time

from liveview.batteries.jobs import ProgressReporter, job


@job
def noted(progress: ProgressReporter, path: str, label: str, seconds: float) -> str:
    """Append "<label> <worker pid>" to `path` (one line per run), then work `seconds`."""
    with open(path, "a") as notes:
        notes.write(f"{label} {os.getpid()}\n")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress(1 - (deadline - time.monotonic()) / seconds if seconds else 1.0, label)
        time.sleep(0.02)
    return label
