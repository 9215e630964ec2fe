"""The demo's data set on a fresh database: the same samples everywhere."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from project.explore.data import SEEDED, measurement


def seed(apps: Any, schema_editor: Any) -> None:
    Sample = apps.get_model("explore", "Sample")
    rows = [measurement(n) for n in range(1, SEEDED + 1)]
    Sample.objects.bulk_create(
        Sample(name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass)
        for m in rows
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("explore", "Sample").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("explore", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
