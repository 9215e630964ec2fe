# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.timers).
from __future__ import annotations

from liveview.runtime.timers import (
    MAX_DELAY,
    MAX_TIMERS,
    Timer,
    TimerError,
    cancel_all,
    fire,
    max_timers,
    schedule,
    unarmed,
)

__all__ = [
    "MAX_DELAY",
    "MAX_TIMERS",
    "Timer",
    "TimerError",
    "cancel_all",
    "fire",
    "max_timers",
    "schedule",
    "unarmed",
]
