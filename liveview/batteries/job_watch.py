# With a process-local channel layer a worker cannot reach this server's pages, so the server
# polls the ETags of the jobs its pages show, at the progress interval, only while any are shown,
# and publishes each change locally: the pages then update through the ordinary hub path.
from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref

from channels.db import database_sync_to_async
from django.db import OperationalError

from liveview.core import conf
from liveview.models import JOBS_COLLECTION, Job
from liveview.pubsub.hubs import existing_hub
from liveview.pubsub.publish import apublish
from liveview.pubsub.resources import Method, ResourceChanged

logger = logging.getLogger("liveview.jobs")

#: Polls with no job shown before the watcher stops (it starts again with the next page).
IDLE_POLLS = 8
#: After failed polls the watcher waits up to this many intervals (doubling from one).
MAX_BACKOFF = 16

_watchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]] = (
    weakref.WeakKeyDictionary()
)


def topic_joined(topic: str) -> None:
    """The hub's hook: this process started following `topic` (runs on the hub's loop)."""
    if topic.startswith(JOBS_COLLECTION) and topic != JOBS_COLLECTION and conf.jobs_polled():
        loop = asyncio.get_running_loop()
        running = _watchers.get(loop)
        if running is None or running.done():
            _watchers[loop] = loop.create_task(watch(), name="liveview-job-watch")


async def stop() -> None:
    """End this loop's watcher (the server's shutdown, through the hubs' `on_close`)."""
    task = _watchers.pop(asyncio.get_running_loop(), None)
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def watched_uris() -> list[str]:
    hub = existing_hub()
    if hub is None:
        return []
    return [t for t in hub.members if t.startswith(JOBS_COLLECTION) and t != JOBS_COLLECTION]


async def watch() -> None:
    """Poll the shown jobs' ETags; publish a PUT (or DELETE) for each one that moved.

    It never ends while a page shows a job: a failed poll (the database down, locked, a bug)
    is logged and retried after a backoff that doubles up to MAX_BACKOFF intervals, since no
    other path would restart it for the pages already open.
    """
    seen: dict[str, str | None] = {}
    idle = 0
    failures = 0
    while idle < IDLE_POLLS:
        await asyncio.sleep(conf.job_progress_interval() * min(2**failures, MAX_BACKOFF))
        uris = watched_uris()
        if not uris:
            idle += 1
            seen.clear()
            continue
        idle = 0
        try:
            await _poll(uris, seen)
        except OperationalError as exc:
            if "is locked" not in str(exc):
                failures += 1
                logger.exception("liveview: polling %d jobs failed (retrying)", len(uris))
            # else SQLite was busy with a worker's write: the next poll will see it.
        except Exception:
            failures += 1
            logger.exception("liveview: polling %d jobs failed (retrying)", len(uris))
        else:
            failures = 0


async def _poll(uris: list[str], seen: dict[str, str | None]) -> None:
    # Django's one sync thread, where pages render: one query, serialised with them.
    etags = await database_sync_to_async(_etags)(uris)
    for uri, etag in etags.items():
        if uri in seen and seen[uri] == etag:
            continue
        # Also on first sight: the job may have moved between a page's mount and now.
        method: Method = "PUT" if etag is not None else "DELETE"
        await apublish(ResourceChanged(method, uri, JOBS_COLLECTION, etag))
        seen[uri] = etag  # only once published: a failed publish is retried next poll
    for gone in set(seen) - set(etags):
        del seen[gone]


def _etags(uris: list[str]) -> dict[str, str | None]:
    ids = {int(u[len(JOBS_COLLECTION) :]): u for u in uris if u[len(JOBS_COLLECTION) :].isdigit()}
    found = dict(Job.objects.filter(pk__in=ids).values_list("pk", "etag"))
    return {uri: found.get(pk) for pk, uri in ids.items()}
