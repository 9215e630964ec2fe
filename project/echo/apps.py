from __future__ import annotations

from django.apps import AppConfig


class EchoConfig(AppConfig):
    name = "project.echo"
    label = "demo_echo"
