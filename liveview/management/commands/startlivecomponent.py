# `manage.py startlivecomponent NAME [--app APP]`: a live component, its template and its test.
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_components import registry

from liveview.scaffold import Scaffold, ScaffoldError


class Command(BaseCommand):
    help = (
        "Creates a live component in an app: components/NAME.py, its template and a test "
        "that clicks it with liveview.testing."
    )

    # Like startapp: scaffolding must work in a project whose checks fail.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the component's registered name, e.g. shopping_cart")
        parser.add_argument(
            "--app",
            help="the label of the app to put it in (default: the only app in this directory)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"]
        app = _app(options["app"])
        try:
            scaffold = Scaffold.of(name, app)
        except ScaffoldError as exc:
            raise CommandError(str(exc)) from None
        if registry.has(name):
            taken = registry.get(name)
            raise CommandError(
                f"a component is already registered as {name!r} "
                f"({taken.__module__}.{taken.__qualname__}): choose another name"
            )
        files = scaffold.files()
        existing = [str(p) for p in files if p.exists()]
        if existing:
            raise CommandError(
                f"not overwriting {', '.join(existing)}: remove it or choose another name"
            )
        for file, text in files.items():
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)
            self.stdout.write(f"created {os.path.relpath(file)}")
        self.stdout.write(
            self.style.SUCCESS(
                f'Render it with {{% component "{name}" / %}} in a page whose base template '
                "ends <body> with {% liveview_scripts %}."
            )
        )


def _app(label: str | None) -> AppConfig:
    if label is not None:
        try:
            return apps.get_app_config(label)
        except LookupError:
            raise CommandError(
                f"no installed app with the label {label!r}: add it to INSTALLED_APPS, "
                "or create it first with `manage.py startapp`"
            ) from None
    here = Path.cwd().resolve()
    local = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(here)
        and "site-packages" not in Path(config.path).parts
        and config.name != "liveview"
    ]
    if len(local) == 1:
        return local[0]
    if not local:
        raise CommandError(
            "no installed app in this directory: create one with `manage.py startapp`, add it "
            "to INSTALLED_APPS, or pass --app LABEL"
        )
    labels = ", ".join(sorted(c.label for c in local))
    raise CommandError(f"which app? pass --app with one of: {labels}")
