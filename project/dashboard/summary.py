"""The dashboard's summary of its data set: each feature's range, mean and correlation with
the price (what the lazy summary panel and its no-JavaScript page show)."""

from __future__ import annotations

import statistics
from typing import Any

from project.dashboard.dataset import houses


def summary_rows() -> list[dict[str, Any]]:
    data = houses()
    return [
        {
            "feature": name,
            "low": round(min(values), 1),
            "mean": round(statistics.fmean(values), 1),
            "high": round(max(values), 1),
            "correlation": round(statistics.correlation(values, data.target), 2),
        }
        for name, values in data.features.items()
    ]
