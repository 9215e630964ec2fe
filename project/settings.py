"""Settings for the liveview demo site: SQLite and the in-memory channel layer by default."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Public, so only for DEBUG: anyone holding it can forge sessions and page tokens.
DEMO_SECRET_KEY = "demo-only-not-secret-change-me-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEMO_SECRET_KEY
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off (DJANGO_DEBUG=0) but SECRET_KEY is the demo's public default: set "
        "DJANGO_SECRET_KEY to a long random string, the same on every server process "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
# A deployment names its own hosts (comma-separated), e.g. behind a reverse proxy.
ALLOWED_HOSTS += [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_components",
    "django_htmx",
    "django_tasks_db",
    "liveview",
    "project.home",
    "project.counter",
    "project.calculator",
    "project.echo",
    "project.polls",
    "project.commentary",
    "project.dashboard",
    "project.explore",
    "project.files",
    "project.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "liveview.middleware.ScriptsCheckMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["django_components.templatetags.component_tags"],
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("LIVEVIEW_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
    }
}

CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
}
# Several server processes: REDIS_URL (redis://host:port/db) switches to channels-redis' pub/sub
# layer. Why pub/sub and not RedisChannelLayer: docs/deployment.md ("Which Redis layer").
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Fail fast when Redis is unreachable: a publish is logged and skipped, and the
            # pages resync once it is back (liveview.hub), rather than hang a request.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_connect_timeout": 2}]},
        }
    }

# liveview: htmx 4 by default; LIVEVIEW_HTMX_VERSION=2 switches the demo to htmx 2.
LIVEVIEW_HTMX_VERSION = int(os.environ.get("LIVEVIEW_HTMX_VERSION", "4"))
# Basic auth on the REST API (docs/rest.md) is off unless LIVEVIEW_REST_BASIC_AUTH=1.
LIVEVIEW_REST_BASIC_AUTH = os.environ.get("LIVEVIEW_REST_BASIC_AUTH", "") == "1"

# LIVEVIEW_HTMX_BUILD=~/.cache/liveview/htmx/4.0.1 (what `make htmx` fetched) serves that htmx
# build instead of django-htmx's (docs/htmx.md).
STATICFILES_DIRS: list[tuple[str, Path]] = []
if os.environ.get("LIVEVIEW_HTMX_BUILD"):
    _build = Path(os.environ["LIVEVIEW_HTMX_BUILD"]).expanduser()
    STATICFILES_DIRS.append((f"htmx/{_build.name}", _build))
    LIVEVIEW_HTMX_SCRIPTS = (
        f"htmx/{_build.name}/htmx.min.js",
        f"htmx/{_build.name}/ext/hx-ws.min.js",
    )
# How long a page may stay open and still reconnect: one day.
LIVEVIEW_TOKEN_MAX_AGE = 24 * 60 * 60

# Jobs (liveview.jobs) run in django-tasks' database worker: `manage.py db_worker`, which
# `manage.py runlive` (what `make run` uses) starts next to the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The dashboard's feature selection paces itself over this many seconds (tests shorten it).
DASHBOARD_JOB_SECONDS = float(os.environ.get("DASHBOARD_JOB_SECONDS", "8"))
# The dashboard's lazy summary stands in for a slow query: its mount waits this long.
DASHBOARD_SUMMARY_SECONDS = float(os.environ.get("DASHBOARD_SUMMARY_SECONDS", "0.5"))

COMPONENTS = {"autodiscover": True, "dirs": []}

STATIC_URL = "static/"
# Uploaded files (the files and alerts demos); runserver serves them under DEBUG (urls.py);
# a deployment may point STORAGES["default"] at S3.
MEDIA_URL = "media/"
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT") or str(BASE_DIR / "media")
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT")  # set it and run collectstatic to deploy
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "django_components.finders.ComponentsFileSystemFinder",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"liveview": {"handlers": ["console"], "level": "INFO"}},
}
