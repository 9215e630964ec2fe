from __future__ import annotations

from django.apps import AppConfig


class LiveViewConfig(AppConfig):
    name = "liveview"
    verbose_name = "liveview"
