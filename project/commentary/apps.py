from __future__ import annotations

from django.apps import AppConfig


class CommentaryConfig(AppConfig):
    name = "project.commentary"
    label = "commentary"
