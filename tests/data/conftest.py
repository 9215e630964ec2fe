from __future__ import annotations

import pytest

from project.explore.data import SEEDED, measurement
from project.explore.models import Sample


@pytest.fixture
def seeded(db: None) -> int:
    """The demo's samples, as the migration seeds them (a transactional test may have
    flushed them); inside this test's transaction."""
    if not Sample.objects.exists():
        Sample.objects.bulk_create(
            Sample(name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass)
            for m in map(measurement, range(1, SEEDED + 1))
        )
    return Sample.objects.count()
