"""The explore demo's table in the address (issue 16, item 2): sort, filter and page are in the
query string, a link to them renders them, back and forward step through them."""

from __future__ import annotations

import pytest

from liveview.testing import LiveClient
from tests.samples import seed_samples

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def samples(transactional_db: None) -> None:
    """The demo's samples as its migration seeds them (an earlier test's flush removed them)."""
    seed_samples()


async def test_the_address_renders_its_sort_filter_and_page(live_client: LiveClient) -> None:
    page = await live_client.open("/explore/?sort=-body_mass&page=2")
    assert page.has("th[aria-sort=descending]", "Body mass")
    assert page.text(".lv-data-page-info").startswith("Page 2 of")
    filtered = await live_client.open("/explore/?q=Gentoo")
    assert filtered.value("Filter") == "Gentoo"
    species = {filtered.text(f"tbody tr:nth-child({n}) td[data-column=species]") for n in (1, 10)}
    assert species == {"Gentoo"}
    assert filtered.text(".lv-data-page-info") != page.text(".lv-data-page-info")


async def test_sorting_and_paging_push_and_back_restores(live_client: LiveClient) -> None:
    page = await live_client.open("/explore/")
    await page.click("th button:-soup-contains('Body mass')")
    assert page.location == "/explore/?sort=body_mass"
    await page.click(text="Next")
    assert page.location == "/explore/?sort=body_mass&page=2"
    assert page.text(".lv-data-page-info").startswith("Page 2 of")
    await page.back()
    assert page.text(".lv-data-page-info").startswith("Page 1 of")
    assert page.has("th[aria-sort=ascending]", "Body mass")
    await page.back()
    assert not page.has("th[aria-sort=ascending]")
    await page.forward()
    assert page.has("th[aria-sort=ascending]", "Body mass")


async def test_the_filter_replaces_the_entry(live_client: LiveClient) -> None:
    page = await live_client.open("/explore/?page=2")
    await page.type("Filter", "Adelie")
    assert page.history == ["/explore/?q=Adelie"]  # replaced, and back to page 1
    assert page.location == "/explore/?q=Adelie"


async def test_a_bad_address_falls_back_to_the_defaults(live_client: LiveClient) -> None:
    page = await live_client.open("/explore/?sort=password&page=-5&q=" + "x" * 300)
    assert not page.has("th[aria-sort=ascending]") and not page.has("th[aria-sort=descending]")
    assert page.text(".lv-data-page-info").startswith("Page 1 of")
    assert page.value("Filter") == "x" * 200  # cut, as typing it would be
