"""Issue 12: a table's sort, filter and page survive a reconnect (any process may answer it).

The page token signed at the first render knows none of them; after an event changes them the
reply's epoch element carries a renewed token (`data-t`), and the reconnect mounts from it.
"""

from __future__ import annotations

import pytest

from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.runtime.page import Page
from liveview.testing import LiveClient
from project.explore.data import measurement
from project.explore.models import Sample
from tests.data import pages  # noqa: F401  (registers test_data_samples)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def samples() -> None:
    """25 samples of every species (a transactional test before this one may have flushed
    the seeded ones)."""
    await Sample.objects.all().adelete()
    found = [measurement(n) for n in range(1, 26)]
    await Sample.objects.abulk_create(
        Sample(name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass)
        for m in found
    )
    assert {"Gentoo", "Adelie"} <= {m.species for m in found}


async def test_regression_sort_filter_and_page_survive_a_reconnect(
    live_client: LiveClient,
) -> None:
    page = await live_client.open("/explore/")
    await page.send("table_sort", table="samples", column="body_mass")
    await page.send("table_sort", table="samples", column="body_mass")  # descending
    await page.send("table_page", table="samples", page=2)
    before = page.html("table")
    assert 'aria-sort="descending"' in before and "Page 2 of" in page.text(".lv-data-table")
    await page.reconnect()
    assert page.html("table") == before
    assert "Page 2 of" in page.text(".lv-data-table")
    await page.send("table_filter", table="samples", q="Gentoo")
    await page.reconnect()
    assert page.value("[name=q]") == "Gentoo"
    assert page.has("tbody td", text="Gentoo") and not page.has("tbody td", text="Adelie")


def test_the_renewed_token_is_sent_only_when_kept_state_changed() -> None:
    # A DataPage whose tables are kept in the token (the explore demo's table is in the
    # address instead, docs/urls.md).
    page = Page(connected=True)
    spec = ComponentSpec(name="test_data_samples", id="lv-1", kwargs={})
    page.mount_token(PageToken.new((spec,), Binding.of(None, None, "secret")))
    page.render_all()
    page.dispatch("lv-1", "table_sort", {"table": "table-1", "column": "name"})
    assert page.renewed_token() is not None
    page.dispatch("lv-1", "add", {"name": "P-999"})  # changes the rows, not the table's state
    assert page.renewed_token() is None
