"""The explore demo's data set: made-up penguin measurements, the same on every machine."""

from __future__ import annotations

import random
from dataclasses import dataclass

SPECIES = ("Adelie", "Chinstrap", "Gentoo")
# (bill length mm, body mass g): each species' mean; the spread is the same for all.
_MEANS = {"Adelie": (38.8, 3700.0), "Chinstrap": (48.8, 3730.0), "Gentoo": (47.5, 5080.0)}


@dataclass(frozen=True)
class Measurement:
    name: str
    species: str
    bill_length: float
    body_mass: int


def measurement(number: int) -> Measurement:
    """Sample `number` (from 1): drawn from a generator seeded with its number."""
    rng = random.Random(number)
    species = SPECIES[rng.randrange(len(SPECIES))]
    bill, mass = _MEANS[species]
    return Measurement(
        name=f"P-{number:03d}",
        species=species,
        bill_length=round(rng.gauss(bill, 2.5), 1),
        body_mass=int(round(rng.gauss(mass, 350.0), -1)),
    )


#: How many samples the migration seeds.
SEEDED = 48
