from __future__ import annotations

import pytest

from tests.samples import seed_samples


@pytest.fixture
def seeded(db: None) -> int:
    """The demo's samples, as the migration seeds them (a transactional test may have
    flushed them); inside this test's transaction."""
    return seed_samples()
