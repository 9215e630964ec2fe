from __future__ import annotations

from django.apps import AppConfig


class CounterConfig(AppConfig):
    name = "project.counter"
    label = "demo_counter"
