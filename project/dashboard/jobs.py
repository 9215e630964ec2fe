"""The dashboard's job: score each feature of the data set against the price."""

from __future__ import annotations

import statistics
import time
from typing import Any

from liveview.jobs import ProgressReporter, job
from project.dashboard.dataset import houses

#: Progress steps per feature: the job reports often, the throttle keeps the pages calm.
STEPS = 20


@job
def feature_selection(progress: ProgressReporter, seconds: float = 8.0) -> dict[str, Any]:
    """Absolute Pearson correlation of each feature with the price, best first.

    The arithmetic takes milliseconds; the job paces itself over `seconds` so that an analyst
    (and a test) can watch it.
    """
    data = houses()
    names = list(data.features)
    pause = seconds / (len(names) * STEPS)
    scores: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        for step in range(STEPS):
            progress((i * STEPS + step) / (len(names) * STEPS), f"Scoring {name}")
            time.sleep(pause)
        score = abs(statistics.correlation(data.features[name], data.target))
        scores.append({"feature": name, "score": round(score, 4)})
    progress(1.0, f"Scored {len(names)} features on {len(data.target)} rows")
    scores.sort(key=lambda s: s["score"], reverse=True)
    for rank, entry in enumerate(scores, start=1):
        entry["rank"] = rank
    return {"rows": len(data.target), "scores": scores}
