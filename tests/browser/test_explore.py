"""The explore demo (liveview.data) in real Chromium: sort, filter, pages, and live rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db.models import Max, Min
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.fixtures import Settings

from project.explore.data import SEEDED, measurement
from project.explore.models import Sample
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.data_urls import ARRIVED, GATE, GATED
from tests.browser.support import LiveServer, open_live, orm

pytestmark = pytest.mark.browser


@pytest.fixture
def other(browser: Browser, server: LiveServer) -> Iterator[Page]:
    """A second viewer in a browser context of its own."""
    second = browser.new_context(base_url=server.base_url)
    second.set_default_timeout(ACTION_TIMEOUT_MS)
    yield second.new_page()
    second.close()


@pytest.fixture(autouse=True)
def samples(server: LiveServer) -> int:
    """The demo's data set, seeded again: transactional tests elsewhere flush the database."""

    def seed() -> int:
        if Sample.objects.count() < SEEDED:
            Sample.objects.all().delete()
            for m in map(measurement, range(1, SEEDED + 1)):
                Sample.objects.create(
                    name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass
                )
        return Sample.objects.count()

    return orm(server, seed)


def table(page: Page) -> Locator:
    return page.get_by_role("table", name="Samples")


def column(page: Page, name: str) -> Locator:
    return table(page).locator(f'tbody td[data-column="{name}"]')


def page_info(page: Page) -> Locator:
    return page.locator(".lv-data-page-info")


def test_a_header_sorts_ascending_then_descending(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    lightest, heaviest = orm(
        server,
        lambda: tuple(Sample.objects.aggregate(a=Min("body_mass"), b=Max("body_mass")).values()),
    )
    open_live(page, "/explore/")
    header = table(page).get_by_role("button", name="Body mass (g)")
    header.click()
    expect(column(page, "body_mass").first).to_have_text(str(lightest))
    expect(table(page).locator('th[aria-sort="ascending"]')).to_contain_text("Body mass")
    header.click()
    expect(column(page, "body_mass").first).to_have_text(str(heaviest))
    masses = [int(m) for m in column(page, "body_mass").all_inner_texts()]
    assert masses == sorted(masses, reverse=True)


def test_typing_a_filter_keeps_the_matching_rows(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    gentoo = orm(server, lambda: Sample.objects.filter(species="Gentoo").count())
    open_live(page, "/explore/")
    page.get_by_label("Filter").press_sequentially("gENtoo")
    expect(page_info(page)).to_contain_text(f"· {gentoo} rows")
    assert set(column(page, "species").all_inner_texts()) == {"Gentoo"}
    expect(page.get_by_label("Filter")).to_have_value("gENtoo")


def test_a_key_typed_while_a_reply_is_on_its_way_is_still_sent(
    page: Page, settings: Settings, htmx_version: str
) -> None:
    # The server holds its reply to "Al" until "x" is typed, so the reply lands inside the
    # debounce of "Alx". htmx 2 replaces the box, and its pending send then fired from the
    # detached old box, without the glue's epoch: refused as stale, the table stayed at "Al".
    settings.ROOT_URLCONF = "tests.browser.data_urls"
    ARRIVED.clear()
    GATE.clear()
    try:
        open_live(page, "/gated/")
        box = page.get_by_label("Filter")
        box.press_sequentially(GATED)
        assert ARRIVED.wait(timeout=10)
        box.press("x")
    finally:
        GATE.set()
    expect(page.locator("tbody")).to_contain_text("No rows match “Alx”")
    expect(box).to_have_value("Alx")
    expect(page.locator(".lv-error")).to_have_count(0)


def test_next_and_previous_page_through_the_rows(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    first_names = orm(server, lambda: [s.name for s in Sample.objects.order_by("pk")[:20]])
    open_live(page, "/explore/")
    expect(column(page, "name").first).to_have_text(first_names[0])
    page.get_by_role("button", name="Next").click()
    expect(page_info(page)).to_contain_text("Page 2 of")
    expect(column(page, "name").first).to_have_text(first_names[10])
    page.get_by_role("button", name="Previous").click()
    expect(page_info(page)).to_contain_text("Page 1 of")
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()


def test_a_new_sample_shows_in_another_browser_in_rows_and_chart(
    page: Page, other: Page, server: LiveServer, htmx_version: str
) -> None:
    count = orm(server, Sample.objects.count)
    open_live(page, "/explore/")
    open_live(other, "/explore/")
    # The second viewer sorts by name, newest names last, and goes to the last page.
    other.get_by_label("Filter").press_sequentially("P-")
    expect(page_info(other)).to_contain_text(f"· {count} rows")
    bar_title = other.locator("svg .title").filter(has_text="Mean body mass")
    expect(bar_title).to_have_text(f"Mean body mass of {count} samples")

    page.get_by_role("button", name="Add sample").click()

    expect(page_info(other)).to_contain_text(f"· {count + 1} rows")
    expect(bar_title).to_have_text(f"Mean body mass of {count + 1} samples")
    newest = orm(server, lambda: Sample.objects.order_by("-pk").values_list("name", flat=True)[0])
    other.get_by_label("Filter").fill(newest)
    other.get_by_label("Filter").press("End")  # `fill` fires one input event; the debounce waits
    expect(column(other, "name")).to_have_text([newest])

    page.get_by_role("button", name="Remove newest").click()
    expect(bar_title).to_have_text(f"Mean body mass of {count} samples")
    expect(table(other)).to_contain_text("No rows match")  # a stream's tbody has rows only


def marked(page: Page) -> list[bool]:
    """Which rows are the elements marked before (not sent again since)."""
    rows = table(page).locator("tbody tr")
    return rows.evaluate_all("rows => rows.map(r => r.lvMark === 1)")  # type: ignore[no-any-return]


def test_rows_changed_in_another_tab_update_in_place_and_sort_and_pages_go_on(
    page: Page, other: Page, server: LiveServer, htmx_version: str
) -> None:
    """The table is a stream: a sample edited elsewhere is that one row, in its place; one
    added by another tab comes in at the top of a descending sort, the last row leaves; the
    rows that did not change are the same elements."""
    open_live(page, "/explore/")
    open_live(other, "/explore/")
    sort = page.get_by_role("button", name="Name")
    sort.click()
    expect(sort).to_contain_text("▲")
    sort.click()
    expect(sort).to_contain_text("▼")
    names = orm(server, lambda: list(Sample.objects.order_by("-name").values_list("name", "pk")))
    expect(column(page, "name")).to_have_text([n for n, _ in names[:10]])
    table(page).locator("tbody tr").evaluate_all("rows => rows.forEach(r => { r.lvMark = 1 })")

    third = names[2][1]
    edited = orm(server, lambda: _edit(third))
    expect(column(page, "species").nth(2)).to_have_text(edited)
    assert marked(page) == [True, True, False] + [True] * 7

    other.get_by_role("button", name="Add sample").click()
    expect(page_info(page)).to_contain_text(f"· {len(names) + 1} rows")
    newest = orm(server, lambda: Sample.objects.order_by("-pk").values_list("name", flat=True)[0])
    expect(column(page, "name")).to_have_text([newest] + [n for n, _ in names[:9]])
    assert marked(page) == [False, True, True, False] + [True] * 6

    page.get_by_role("button", name="Next").click()
    expect(page_info(page)).to_contain_text("Page 2 of")
    expect(column(page, "name")).to_have_text([n for n, _ in names[9:19]])
    sort.click()
    expect(sort).to_contain_text("▲")
    expect(column(page, "name")).to_have_text(sorted(n for n, _ in names)[:10])


def _edit(pk: int) -> str:
    sample = Sample.objects.get(pk=pk)
    sample.species = "Edited"
    sample.save()  # a write from elsewhere (the admin, a shell): broadcast to every page
    return sample.species
