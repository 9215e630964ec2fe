"""A few polls so the demo has something to show on a fresh database."""

from __future__ import annotations

from typing import Any

from django.db import migrations

POLLS = [
    ("Which channel layer should a single server use?", ["In-memory", "Redis", "PostgreSQL"]),
    ("Tabs or spaces?", ["Tabs", "Spaces", "Whatever the formatter says"]),
    ("Best time for a code review?", ["Morning", "After lunch", "Friday 5 pm"]),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Poll = apps.get_model("polls", "Poll")
    Choice = apps.get_model("polls", "Choice")
    for question, choices in POLLS:
        poll = Poll.objects.create(question=question)
        Choice.objects.bulk_create(Choice(poll=poll, text=text) for text in choices)


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("polls", "Poll").objects.filter(question__in=[q for q, _ in POLLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("polls", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
