from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.test.utils import setup_databases, teardown_databases
from hypothesis import settings
from pytest_django.fixtures import Settings
from pytest_django.plugin import DjangoDbBlocker

import tests.components  # noqa: F401  (registers the test components)
from liveview.core import metrics
from liveview.core.dialect import HTMX2_FRAME, HTMX4_BETA_FRAME, HTMX4_FRAME, FrameShape
from liveview.pubsub.publish import from_message, group_name
from liveview.pubsub.resources import ResourceChanged
from liveview.testing import LiveClient
from liveview.testing.db import close_sync_thread_connections

# Hypothesis' per-example deadline is a timed unit test: on a loaded 2-core machine one example
# took 642 ms against its 200 ms default. Speed is measured in bench/, not here.
settings.register_profile("liveview", deadline=None)
settings.load_profile("liveview")


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Always the test database, migrated and seeded, never the demo's db.sqlite3.

    pytest-django creates it only when a collected test is marked `django_db`; the browser
    tests are not (their server uses it from another thread), so a browser-only run would
    otherwise talk to the developer's database.
    """
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=0, interactive=False, aliases={"default": {}}, serialized_aliases=set()
        )
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture
def fresh_metrics() -> Iterator[None]:
    """The process's metrics emptied before the test and after it: a module that counts asks
    for it (`pytestmark = pytest.mark.usefixtures("fresh_metrics")`)."""
    metrics.reset()
    yield
    metrics.reset()


@pytest.fixture(autouse=True)
def _close_sync_thread_connections() -> Iterator[None]:
    """After each test, close the database connection of asgiref's shared sync thread."""
    yield
    close_sync_thread_connections()


@pytest.fixture(
    params=[HTMX2_FRAME, HTMX4_BETA_FRAME, HTMX4_FRAME], ids=["htmx2", "htmx4beta", "htmx4"]
)
async def each_build_client(
    request: pytest.FixtureRequest, settings: Settings
) -> AsyncIterator[LiveClient]:
    """A LiveClient acting as one htmx build (its bindings, its frame shape): a test that takes
    it runs once per build, with LIVEVIEW_HTMX_VERSION set to match."""
    frame: FrameShape = request.param
    settings.LIVEVIEW_HTMX_VERSION = 2 if frame is HTMX2_FRAME else 4
    async with LiveClient(frame=frame) as client:
        yield client


#: The next change published to a topic (`await changes()`), as a page's hub would get it.
Changes = Callable[[], Awaitable[ResourceChanged]]


@pytest.fixture
async def listen() -> AsyncIterator[Callable[[str], Awaitable[Changes]]]:
    """`await listen(topic)`: a channel of the layer that receives the topic's changes.

    The in-memory layer lives as long as the process, not the test: each channel leaves its
    group afterwards, and what it was sent but never read goes with it. Left there, it would
    take every later test's publish to that topic (tests/test_consumer.py counts the layer's
    channels).
    """
    layer = get_channel_layer()
    assert layer is not None
    joined: list[tuple[str, str]] = []

    async def subscribe(topic: str) -> Changes:
        channel = await layer.new_channel()
        await layer.group_add(group_name(topic), channel)
        joined.append((group_name(topic), channel))

        async def next_change() -> ResourceChanged:
            change = from_message(await layer.receive(channel))
            assert change is not None
            return change

        return next_change

    yield subscribe
    for group, channel in joined:
        await layer.group_discard(group, channel)
        if isinstance(layer, InMemoryChannelLayer):
            layer.channels.pop(channel, None)
