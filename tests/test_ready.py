"""What the app's ready() sets up, and that importing liveview sets up none of it: the
`{% component %}` renderer, the signals (each with its dispatch_uid, once), the process's
connection counts and hubs."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_save

from liveview.authoring import tag_render
from liveview.authoring.component import LiveComponent
from liveview.http.static_render import render_from_tag
from liveview.pubsub import hubs
from liveview.socket import limits


def test_ready_installed_the_component_tags_renderer() -> None:
    assert tag_render._renderer is render_from_tag


def test_without_a_renderer_a_live_components_tag_says_what_is_missing() -> None:
    before = tag_render._renderer
    tag_render._renderer = None
    try:
        with pytest.raises(ImproperlyConfigured, match="INSTALLED_APPS"):
            tag_render.render(LiveComponent())
    finally:
        tag_render.install(before)  # type: ignore[arg-type]


def test_running_ready_again_connects_each_signal_once_and_keeps_the_process_state() -> None:
    receivers = len(post_save.receivers)
    config = apps.get_app_config("liveview")
    registry, counts = hubs.installed(), limits.connections()
    config.ready()
    assert len(post_save.receivers) == receivers
    assert hubs.installed() is registry and limits.connections() is counts
