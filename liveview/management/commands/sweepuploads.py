# `manage.py sweepuploads`: delete the temporary uploads no form consumed (abandoned files).
# Run it from cron or a systemd timer; an id older than LIVEVIEW_UPLOAD_TEMP_MAX_AGE is refused.
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liveview.batteries.uploads import sweep


class Command(BaseCommand):
    help = "Delete temporary uploads older than LIVEVIEW_UPLOAD_TEMP_MAX_AGE (or --older-than)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=float, default=None, help="seconds (default: the setting)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = sweep(options["older_than"])
        self.stdout.write(f"{len(removed)} abandoned upload(s) deleted.")
