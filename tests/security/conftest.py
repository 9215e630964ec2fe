from __future__ import annotations

from collections.abc import Iterator

import pytest
from channels.layers import get_channel_layer
from pytest_django.fixtures import Settings

from tests.security.components import MOUNTS
from tests.security.layers import RecordingChannelLayer
from tests.security.queries import queries, sync_thread_db

__all__ = ["queries", "sync_thread_db"]


@pytest.fixture(autouse=True)
def mounts() -> Iterator[list[str]]:
    MOUNTS.clear()
    yield MOUNTS
    MOUNTS.clear()


@pytest.fixture
def layer(settings: Settings) -> RecordingChannelLayer:
    """The channel layer every consumer of the test gets, recording sends and group joins."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "tests.security.layers.RecordingChannelLayer"}
    }
    recording = get_channel_layer()
    assert isinstance(recording, RecordingChannelLayer)
    return recording


@pytest.fixture(params=[True, False], ids=["debug", "no-debug"])
def debug(request: pytest.FixtureRequest, settings: Settings) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)
