"""How job changes reach a connected page: polled by the server, or published by the worker."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import ParamSpec, TypeVar

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError
from pytest_django.fixtures import Settings

from liveview.batteries import job_watch
from liveview.batteries.jobs import ProgressReporter, run_job
from liveview.models import Job
from liveview.testing.dom import Document
from tests import jobs
from tests.conftest import Changes
from tests.jobs import worker_thread_database
from tests.support import connect, next_shown

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _worker_thread_database() -> Iterator[None]:
    with worker_thread_database():
        yield


P = ParamSpec("P")
R = TypeVar("R")


def orm(func: Callable[P, R]) -> Callable[P, asyncio.Future[R]]:
    return sync_to_async(func, thread_sensitive=False)  # type: ignore[return-value]


def status_of(frame: str) -> str:
    found = re.search(r'data-status="(\w+)"', frame)
    assert found, frame
    return found.group(1)


async def test_a_job_flooding_progress_reaches_a_page_a_few_times_a_second(
    settings: Settings,
) -> None:
    settings.LIVEVIEW_JOB_PROGRESS_INTERVAL = 0.25
    row = await orm(Job.objects.create)(name=jobs.flood.name, kwargs={"seconds": 1.5})
    comm, first = await connect(("job_progress", "lv-1", {"job": row.pk}))
    assert status_of(first) == "queued"
    worker = threading.Thread(target=run_job.call, kwargs={"job_id": row.pk})
    worker.start()
    frames: list[str] = []
    page, shown = Document(first), first
    while not frames or status_of(shown) != "done":
        frames.append(await comm.receive_from(timeout=5))
        page.apply(frames[-1])
        shown = str(page.one("#lv-1"))
    await asyncio.to_thread(worker.join)
    calls = (await orm(Job.objects.get)(pk=row.pk)).result
    assert isinstance(calls, int) and calls > 10_000
    # 1.5 s at one poll per 0.25 s: about 6 frames, never one per progress call.
    assert 3 <= len(frames) <= 10
    assert "last word" in shown and 'value="100"' in shown
    await comm.disconnect()


async def test_cancel_from_the_page_stops_the_running_job(settings: Settings) -> None:
    settings.LIVEVIEW_JOB_PROGRESS_INTERVAL = 0.05
    row = await orm(Job.objects.create)(name=jobs.flood.name, kwargs={"seconds": 30})
    worker = threading.Thread(target=run_job.call, kwargs={"job_id": row.pk})
    worker.start()
    comm, frame = await connect(("job_progress", "lv-1", {"job": row.pk}))
    page = Document(frame)
    while status_of(frame) != "running":
        frame = await next_shown(comm, page)
    await comm.send_to(text_data=f'{{"lv": "lv-1", "event": "cancel", "job": {row.pk}}}')
    while status_of(frame) != "cancelled":
        frame = await next_shown(comm, page)
    await asyncio.to_thread(worker.join, 10)
    assert not worker.is_alive()
    assert "Cancelled" in frame and "Cancel</button>" not in frame
    await comm.disconnect()


async def test_with_a_shared_layer_the_worker_publishes_each_write(
    settings: Settings, listen: Callable[[str], Awaitable[Changes]]
) -> None:
    settings.LIVEVIEW_JOBS_POLL = False
    row = await orm(Job.objects.create)(name=jobs.flood.name, status=Job.Status.RUNNING)
    changes = await listen(row.uri)
    await orm(ProgressReporter(row.pk).__call__)(0.5, "half")
    change = await asyncio.wait_for(changes(), 5)
    stored = await orm(Job.objects.get)(pk=row.pk)
    assert (change.uri, change.etag) == (row.uri, stored.etag)


async def test_the_watcher_outlives_failed_polls(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings.LIVEVIEW_JOB_PROGRESS_INTERVAL = 0.05
    failures = [OperationalError("disk I/O error"), RuntimeError("a bug in a poll")]
    failed_twice = threading.Event()
    real = job_watch._etags

    def failing_first(uris: list[str]) -> dict[str, str | None]:
        if failures:
            failure = failures.pop(0)
            if not failures:
                failed_twice.set()
            raise failure
        return real(uris)

    monkeypatch.setattr(job_watch, "_etags", failing_first)
    row = await orm(Job.objects.create)(name=jobs.flood.name, status=Job.Status.RUNNING)
    comm, _ = await connect(("job_progress", "lv-1", {"job": row.pk}))
    assert await asyncio.to_thread(failed_twice.wait, 5)
    await orm(ProgressReporter(row.pk).__call__)(0.5, "after the failures")
    frame = await comm.receive_from(timeout=5)
    while "after the failures" not in frame:
        frame = await comm.receive_from(timeout=5)
    await comm.disconnect()
    assert caplog.text.count("polling 1 jobs failed (retrying)") == 2
