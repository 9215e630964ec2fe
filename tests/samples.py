"""The explore demo's samples, for tests that read them."""

from __future__ import annotations

from project.explore.data import SEEDED, measurement
from project.explore.models import Sample


def seed_samples() -> int:
    """The demo's samples as its migration seeds them, made again if a transactional test
    flushed them; how many there are."""
    if not Sample.objects.exists():
        Sample.objects.bulk_create(
            Sample(name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass)
            for m in map(measurement, range(1, SEEDED + 1))
        )
    return Sample.objects.count()
