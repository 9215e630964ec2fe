"""The explore demo's samples table is a stream (docs/data.md, "A table as a stream"): a sample
written anywhere reaches every open page as that one row, in its place, whatever the table
shows; sorting and paging go on as before."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from liveview.testing import LiveClient
from project.explore.models import Sample
from tests.samples import seed_samples

pytestmark = pytest.mark.django_db(transaction=True)

CELL = "#lv-1-rows_samples-{pk} td[data-column={column}]"


@pytest.fixture(autouse=True)
def samples(transactional_db: None) -> None:
    seed_samples()


def rows(frame: str) -> int:
    return frame.count("<tr")


async def test_a_sample_written_elsewhere_sends_that_row_alone(live_client: LiveClient) -> None:
    page = await live_client.open("/explore/?sort=-body_mass")
    heaviest = await Sample.objects.order_by("-body_mass", "pk").afirst()
    assert heaviest is not None
    heaviest.species = "Edited"
    await sync_to_async(heaviest.save)()  # a write anywhere: the admin, a shell, a job
    frame = await page.next_frame()
    assert rows(frame) == 1 and ">Edited<" in frame
    assert page.text(CELL.format(pk=heaviest.pk, column="species")) == "Edited"
    assert page.text("tbody tr:nth-child(1) td[data-column=name]") == heaviest.name
    # Sorting and paging keep working, and the next page's window is what the database has.
    await page.click(text="Next")
    second = [s.name async for s in Sample.objects.order_by("-body_mass", "pk")[10:20]]
    shown = [page.text(f"tbody tr:nth-child({n}) td[data-column=name]") for n in range(1, 11)]
    assert shown == second


async def test_a_deleted_sample_leaves_and_the_next_comes_in(live_client: LiveClient) -> None:
    page = await live_client.open("/explore/")
    first = await Sample.objects.order_by("pk").afirst()
    assert first is not None
    await sync_to_async(first.delete)()
    frame = await page.next_frame()
    assert rows(frame) == 1  # the eleventh comes in at the bottom; no other row travels
    expected = [s.name async for s in Sample.objects.order_by("pk")[:10]]
    shown = [page.text(f"tbody tr:nth-child({n}) td[data-column=name]") for n in range(1, 11)]
    assert shown == expected
