"""The test server is uvicorn as a deployment runs it: the app's lifespan opens the server
loop's hub at startup, before any socket, and closes it at shutdown."""

from __future__ import annotations

from pytest_django import DjangoDbBlocker

from liveview.pubsub import hubs
from liveview.testing.server import LiveServer


def test_the_servers_lifespan_opens_its_loops_hub_and_closes_it(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> None:
    before = set(map(id, hubs.installed().all()))
    with django_db_blocker.unblock():
        live = LiveServer()
        live.start()
        try:
            opened = [h for h in hubs.installed().all() if id(h) not in before]
            assert len(opened) == 1  # no socket yet: the startup opened it
        finally:
            live.stop()
    (hub,) = opened
    assert hub not in hubs.installed().all()
    assert not hub.running and hub.channel is None
