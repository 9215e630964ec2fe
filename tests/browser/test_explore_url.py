"""The explore table's sort, filter and page in the address, in real Chromium under each htmx
build (issue 16, item 2): sorting and paging push history entries, back and forward restore
them with no reload, a reload of the pushed URL renders the same view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from project.explore.data import SEEDED, measurement
from project.explore.models import Sample
from tests.browser.support import LiveServer, open_live, orm

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def samples(server: LiveServer) -> None:
    """The demo's data set, seeded again: transactional tests elsewhere flush the database."""

    def seed() -> None:
        if Sample.objects.count() < SEEDED:
            Sample.objects.all().delete()
            Sample.objects.bulk_create(
                Sample(
                    name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass
                )
                for m in map(measurement, range(1, SEEDED + 1))
            )

    orm(server, seed)


def page_info(page: Page) -> str:
    return page.locator(".lv-data-page-info").inner_text()


def test_sort_and_page_are_in_the_address_and_back_restores_them(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    open_live(page, "/explore/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name=re.compile("^Body mass")).click()
    expect(page).to_have_url(re.compile(r"/explore/\?sort=body_mass$"))
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/explore/\?sort=body_mass&page=2$"))
    expect(page.locator(".lv-data-page-info")).to_contain_text("Page 2 of")
    page.go_back()
    expect(page.locator(".lv-data-page-info")).to_contain_text("Page 1 of")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/explore/$"))
    expect(page.locator("th[aria-sort=ascending]")).to_have_count(0)
    page.go_forward()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Body mass")
    assert page.evaluate("window.notReloaded") is True  # no navigation: the same document
    page.reload()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Body mass")
    expect(page.locator(".lv-data-page-info")).to_contain_text("Page 1 of")


def test_the_filter_replaces_the_entry(page: Page, server: LiveServer, htmx_version: str) -> None:
    open_live(page, "/explore/")
    page.get_by_label("Filter").fill("Gentoo")
    expect(page).to_have_url(re.compile(r"/explore/\?q=Gentoo$"))
    length = page.evaluate("history.length")
    page.get_by_label("Filter").fill("Adelie")
    expect(page).to_have_url(re.compile(r"/explore/\?q=Adelie$"))
    assert page.evaluate("history.length") == length
