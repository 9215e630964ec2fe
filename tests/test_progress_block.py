"""Progress as a block of a DataPage: the job_progress component composed in Python."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import sync_to_async
from django_components import register
from pytest_django.fixtures import Settings

from liveview.batteries.progress import Progress
from liveview.data import DataPage, Heading, Layout
from liveview.models import Job
from tests.support import connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_polling(settings: Settings) -> None:
    settings.LIVEVIEW_JOBS_POLL = False


@register("test_progress_page")
class ProgressPage(DataPage):
    def layout(self) -> Layout:
        return [Heading("Fits"), Progress(follow="tests.jobs.add", label="Latest fit")]


def test_a_progress_block_needs_a_job_or_a_name() -> None:
    with pytest.raises(TypeError):
        Progress()


async def test_a_progress_block_shows_the_job_and_cancels_it() -> None:
    row = await sync_to_async(Job.objects.create)(
        name="tests.jobs.add", status="running", fraction=0.25, message="fitting"
    )
    comm, frame = await connect(("test_progress_page", "lv-1", {}))
    assert "Fits" in frame and 'aria-label="Latest fit"' in frame and "fitting" in frame
    child = re.search(r'id="(lv-1-\d+)" data-lv="job_progress"', frame)
    assert child is not None
    cancel = f'{{"lv": "{child.group(1)}", "event": "cancel", "job": {row.pk}}}'
    await comm.send_to(text_data=cancel)
    assert "Cancelling…" in await comm.receive_from(timeout=5)
    await comm.disconnect()
    stored = await sync_to_async(Job.objects.get)(pk=row.pk)
    assert stored.cancel_requested
