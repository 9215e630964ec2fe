"""`manage.py check`: an unguarded socket, a layer workers cannot share, a default lifetime."""

from __future__ import annotations

import pytest
from django.core.checks import CheckMessage, run_checks
from pytest_django.fixtures import Settings

from liveview.checks import (
    check_allowed_origins,
    check_channel_layer,
    check_origin_validator,
    check_token_max_age,
)

APPS = "tests.security.asgi_apps."
IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
REDIS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}


def ids(messages: list[CheckMessage]) -> list[str]:
    return [str(m.id) for m in messages]


def test_the_demo_project_is_clean() -> None:
    assert [m for m in run_checks() if str(m.id).startswith("liveview.")] == []


@pytest.mark.parametrize(
    "app", ["guarded", "guarded_by_channels", "guarded_inside_middleware", "http_only"]
)
def test_a_socket_behind_an_origin_validator_passes(settings: Settings, app: str) -> None:
    settings.ASGI_APPLICATION = APPS + app
    assert check_origin_validator() == []


@pytest.mark.parametrize("app", ["unguarded", "unguarded_inside_middleware"])
def test_an_unguarded_socket_is_an_error(settings: Settings, app: str) -> None:
    settings.ASGI_APPLICATION = APPS + app
    assert ids(check_origin_validator()) == ["liveview.E001"]
    assert "liveview.E001" in ids(run_checks())


def test_an_asgi_application_that_does_not_import_is_a_warning(settings: Settings) -> None:
    settings.ASGI_APPLICATION = APPS + "missing"
    assert ids(check_origin_validator()) == ["liveview.W003"]


def test_no_asgi_application_is_nothing_to_check(settings: Settings) -> None:
    del settings.ASGI_APPLICATION
    assert check_origin_validator() == []


@pytest.mark.parametrize(
    ("origins", "errors"),
    [
        (None, 0),
        (["https://example.com", "http://localhost:8000"], 0),
        ("https://example.com", 1),
        (["example.com", "https://example.com/", "https://example.com", "*"], 3),
    ],
)
def test_listed_origins_must_be_origins(settings: Settings, origins: object, errors: int) -> None:
    settings.LIVEVIEW_ALLOWED_ORIGINS = origins
    assert ids(check_allowed_origins()) == ["liveview.E002"] * errors


@pytest.mark.parametrize(
    ("workers", "layers", "warned"),
    [
        (None, IN_MEMORY, False),
        ("1", IN_MEMORY, False),
        ("4", IN_MEMORY, True),
        ("4", REDIS, False),
        ("many", IN_MEMORY, False),
    ],
)
def test_an_in_memory_layer_under_several_workers_is_a_warning(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    workers: str | None,
    layers: dict[str, dict[str, str]],
    warned: bool,
) -> None:
    if workers is None:
        monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    else:
        monkeypatch.setenv("WEB_CONCURRENCY", workers)
    settings.CHANNEL_LAYERS = layers
    assert ids(check_channel_layer()) == (["liveview.W001"] if warned else [])


def test_an_unset_token_lifetime_is_a_deployment_warning_only(settings: Settings) -> None:
    """The default (a day) is fine to develop with: `check` and `runserver` stay quiet, and
    `check --deploy` asks for a decision, as Django's own deployment checks do."""
    del settings.LIVEVIEW_TOKEN_MAX_AGE
    assert ids(check_token_max_age()) == ["liveview.W002"]
    assert "liveview.W002" not in ids(run_checks())
    assert "liveview.W002" in ids(run_checks(include_deployment_checks=True))


def test_an_explicit_token_lifetime_passes(settings: Settings) -> None:
    settings.LIVEVIEW_TOKEN_MAX_AGE = 3600
    assert check_token_max_age() == []
