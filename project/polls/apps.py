from __future__ import annotations

from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "project.polls"
    label = "polls"
