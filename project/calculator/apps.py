from __future__ import annotations

from django.apps import AppConfig


class CalculatorConfig(AppConfig):
    name = "project.calculator"
    label = "demo_calculator"
