"""A change published without an ETag is delivered every time, not only the first: the hub
drops the copy it receives through a second group of the same publish, never a later publish.
Published as docs/resources.md shows it:
`publish(changed("PUT", "/reports/today", "/reports/"))`."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django_components import register

from liveview.pubsub.publish import changed, publish
from liveview.pubsub.resources import ResourceChanged
from tests.components import STORE, Watcher
from tests.support import connect

URI, COLLECTION = "/reports/today", "/reports/"
#: The value STORE held each time the report's resource_changed ran, in order.
SEEN: list[int] = []


@register("test_report_watcher")
class ReportWatcher(Watcher):
    def resource_changed(self, change: ResourceChanged) -> None:
        SEEN.append(STORE.get(self.uri, 0))
        super().resource_changed(change)


@pytest.fixture(autouse=True)
def clean() -> None:
    STORE.clear()
    SEEN.clear()


@sync_to_async
def publish_report(value: int) -> None:
    STORE[URI] = value
    publish(changed("PUT", URI, COLLECTION))  # from sync code, no ETag


async def test_every_publish_without_an_etag_reaches_the_page() -> None:
    # The page follows both the URI and its collection: the hub hears each publish twice.
    comm, _ = await connect(("test_report_watcher", "lv-1", {"uri": URI, "collection": COLLECTION}))
    # Once the consumer asks for its next message, its connect (and its catch-up) has run.
    await comm.application.read_past(1, comm.future, timeout=10)
    SEEN.clear()
    for value in (1, 2, 3):
        await publish_report(value)
        assert f"{URI}={value}" in await comm.receive_from()
    # Each publish applied once: a second copy of the first would have come before the second.
    assert SEEN[:3] == [1, 2, 3]
    await comm.disconnect()
