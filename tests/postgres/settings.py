"""The demo's settings on a PostgreSQL database (tests/postgres): LIVEVIEW_POSTGRES_* name it."""

import os

from project.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ["LIVEVIEW_POSTGRES_HOST"],
        "PORT": os.environ["LIVEVIEW_POSTGRES_PORT"],
        "NAME": os.environ["LIVEVIEW_POSTGRES_DB"],
        "USER": "postgres",
        "TEST": {"NAME": f"test_{os.environ['LIVEVIEW_POSTGRES_DB']}"},  # type: ignore[dict-item]
    }
}
