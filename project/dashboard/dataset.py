"""The dashboard's data set: house prices, generated deterministically (no download)."""

from __future__ import annotations

import random
from dataclasses import dataclass

ROWS = 400
SEED = 2024
FEATURES = (
    "area_m2",
    "rooms",
    "age_years",
    "distance_km",
    "garden_m2",
    "floor",
    "north_facing",
    "street_number",
)


@dataclass(frozen=True)
class Dataset:
    features: dict[str, list[float]]
    target: list[float]


def houses(rows: int = ROWS, seed: int = SEED) -> Dataset:
    """Prices that depend strongly on area and distance, weakly on rooms, age and garden."""
    rng = random.Random(seed)
    columns: dict[str, list[float]] = {name: [] for name in FEATURES}
    target: list[float] = []
    for _ in range(rows):
        area = rng.uniform(30, 200)
        rooms = max(1, round(area / 30 + rng.gauss(0, 1)))
        age = rng.uniform(0, 80)
        distance = rng.uniform(0.5, 25)
        garden = max(0.0, rng.gauss(40, 30))
        row = {
            "area_m2": area,
            "rooms": float(rooms),
            "age_years": age,
            "distance_km": distance,
            "garden_m2": garden,
            "floor": float(rng.randint(0, 8)),
            "north_facing": float(rng.random() < 0.5),
            "street_number": float(rng.randint(1, 300)),
        }
        for name, value in row.items():
            columns[name].append(value)
        price = 3000 * area - 800 * age - 9000 * distance + 500 * garden + rng.gauss(0, 60000)
        target.append(price)
    return Dataset(columns, target)
