"""Two events so the commentary demo has somewhere to comment on a fresh database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import migrations

EVENTS = [
    ("Cup final: Rovers v United", datetime(2026, 5, 30, 15, 0, tzinfo=UTC)),
    ("Rocket launch: Orbiter 7", datetime(2026, 6, 12, 9, 30, tzinfo=UTC)),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("commentary", "Event")
    for title, starts in EVENTS:
        Event.objects.create(title=title, starts=starts)


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("commentary", "Event").objects.filter(title__in=[t for t, _ in EVENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("commentary", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
