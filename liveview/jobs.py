# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.jobs).
from __future__ import annotations

from liveview.batteries.jobs import (
    JobCancelled,
    JobFunction,
    JobInterrupted,
    ProgressReporter,
    cancel,
    function_named,
    interrupt_claimed_by,
    job,
    run_job,
)
from liveview.batteries.jobs import __getattr__ as __getattr__

__all__ = [
    "JobCancelled",
    "JobFunction",
    "JobInterrupted",
    "ProgressReporter",
    "cancel",
    "function_named",
    "interrupt_claimed_by",
    "job",
    "run_job",
]
