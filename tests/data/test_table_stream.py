"""A Table with `stream=True` (docs/data.md, "A table as a stream"): a sort, filter or page shows
the new window; a row written elsewhere is sent alone, in its place; a deleted one leaves; the
page keeps only the window's keys."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django_components import register
from pytest_django.fixtures import Settings

from liveview.authoring.streams import Stream, stream_of
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.data import DataPage, Layout, Table
from liveview.data.datapage import window_moves
from liveview.data.table import TableState, TableView
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime.page import Page
from liveview.testing import LiveClient
from liveview.testing.dom import Document
from project.explore.data import SEEDED, measurement
from project.explore.models import Sample
from tests.data.pages import StreamPage

pytestmark = pytest.mark.django_db


class Viewer:
    """A page and what its browser shows after each frame."""

    def __init__(self, name: str = "test_data_stream") -> None:
        self.page = Page(connected=True)
        spec = ComponentSpec(name, "lv-1", {})
        self.page.mount_token(PageToken.new((spec,), Binding.of(None, None, "x")))
        self.document = Document(self.page.render_all())

    def apply(self, frame: str | None) -> str:
        assert frame is not None
        self.document.apply(frame)
        return frame

    def event(self, name: str, **args: object) -> str:
        return self.apply(self.page.dispatch("lv-1", name, {"table": "samples", **args}))

    def changed(self, method: str, sample: Sample) -> str:
        change = ResourceChanged(method, sample.uri, "/samples/", sample.etag)  # type: ignore[arg-type]
        return self.apply(self.page.changed([change]))

    def species(self, sample: Sample) -> str:
        cell = f"#lv-1-rows_samples-{sample.pk} td[data-column=species]"
        return self.document.one(cell).get_text()

    def names(self) -> list[str]:
        rows = self.document.select("#lv-1-rows_samples > tr")
        return [r.select_one("td[data-column=name]").get_text() for r in rows]  # type: ignore[union-attr]


def names(*order: str, q: str = "", page: int = 1) -> list[str]:
    rows = Sample.objects.filter(name__icontains=q).order_by(*order, "pk")
    return [s.name for s in rows[(page - 1) * 5 : page * 5]]


def row_names(frame: str) -> set[str]:
    return {s.name for s in Sample.objects.all() if f">{s.name}<" in frame}


@pytest.fixture
def samples(seeded: int) -> list[Sample]:
    return list(Sample.objects.order_by("pk"))


def test_the_rows_are_a_stream_and_sort_filter_page_show_the_window(
    samples: list[Sample],
) -> None:
    viewer = Viewer()
    assert viewer.names() == names()
    assert f'<tr id="lv-1-rows_samples-{samples[0].pk}">' in str(viewer.document.one("#lv-1"))
    viewer.event("table_sort", column="body_mass")
    assert viewer.names() == names("body_mass")
    viewer.event("table_page", page=2)
    assert viewer.names() == names("body_mass", page=2)
    viewer.event("table_filter", q="P-01")
    assert viewer.names() == names("body_mass", q="P-01")
    viewer.event("table_filter", q="nothing like it")
    assert viewer.names() == []
    assert "No rows match “nothing like it”." in str(viewer.document.one("#lv-1"))


def test_a_row_written_elsewhere_sends_that_row_alone_in_its_place(
    samples: list[Sample],
) -> None:
    viewer = Viewer()
    viewer.event("table_sort", column="name")
    third = Sample.objects.get(name=names("name")[2])
    third.species = "Edited"
    third.save()
    frame = viewer.changed("PUT", third)
    assert row_names(frame) == {third.name}  # no other row travels
    assert frame.count("<tr") == 1 and ">Edited<" in frame
    assert viewer.names() == names("name")
    cell = viewer.document.one(f"#lv-1-rows_samples-{third.pk} td[data-column=species]")
    assert cell.get_text() == "Edited"
    # A row on another page: nothing of the table is sent.
    far = Sample.objects.get(name=names("name", page=3)[0])
    far.species = "Far"
    far.save()
    assert viewer.page.changed([ResourceChanged("PUT", far.uri, "/samples/", far.etag)]) is None


def test_a_deleted_row_leaves_and_the_next_one_comes_in_at_the_bottom(
    samples: list[Sample],
) -> None:
    viewer = Viewer()
    gone = samples[1]
    incoming = samples[5]
    gone.delete()
    gone.pk = samples[1].pk  # the URI it had
    frame = viewer.changed("DELETE", gone)
    assert row_names(frame) == {incoming.name}  # the one that comes in, no other
    assert viewer.names() == names()


def test_a_row_added_on_the_last_page_is_inserted_at_the_bottom(
    samples: list[Sample], settings: Settings
) -> None:
    viewer = Viewer()
    last = -(-len(samples) // 5)
    viewer.event("table_page", page=last)
    added = Sample.objects.create(name="P-999", species="Adelie", bill_length=40, body_mass=1)
    frame = viewer.changed("POST", added)
    assert row_names(frame) == {"P-999"}
    assert viewer.names() == names(page=last)


def test_the_window_moves() -> None:
    assert window_moves(["1", "2", "3"], ["1", "2", "3"]) == ([], [], [])
    assert window_moves(["1", "2", "3"], ["1", "3", "4"]) == (["2"], [], ["4"])
    assert window_moves(["2", "3", "4"], ["1", "2", "3"]) == (["4"], ["1"], [])
    assert window_moves(["1", "2", "3"], ["1", "9", "3"]) is None  # a new one between
    assert window_moves(["1", "2", "3"], ["2", "1", "3"]) is None  # moved
    assert window_moves(["1", "2"], ["3", "4"]) is None  # nothing kept
    assert window_moves([], ["1"]) is None


@pytest.mark.parametrize("version", [2, 4])
def test_a_sort_sends_the_new_window_as_one_part_and_the_rest_where_it_changed(
    samples: list[Sample], version: int, settings: Settings
) -> None:
    settings.LIVEVIEW_HTMX_VERSION = version
    viewer = Viewer()
    frame = viewer.event("table_sort", column="body_mass")
    aimed = "innerHTML:#lv-1-rows_samples" if version == 2 else 'hx-swap="innerHTML"'
    assert frame.count(aimed) == 1
    assert "<h1>Stream</h1>" not in frame  # not the whole page
    assert row_names(frame) == set(names("body_mass"))
    assert viewer.names() == names("body_mass")


def test_a_stream_tables_key_and_rows_are_checked(settings: Settings) -> None:
    with pytest.raises(ValueError, match="a stream table's key"):
        _ = Table([{"id": 1}], key="Not OK", stream=True).stream_name
    table = Table([{"name": "no key"}], key="people", stream=True)
    with pytest.raises(TypeError, match="needs a pk or an id"):
        table.view({"sort": "", "q": "", "page": 1})
    twice = Table([{"id": 7, "name": "Ada"}, {"id": 7, "name": "Bo"}], key="people", stream=True)
    with pytest.raises(ValueError, match="two rows share the key '7'"):
        twice.view({"sort": "", "q": "", "page": 1})  # each row is an element by its key
    rows = Table([{"id": 7, "name": "Ada"}], key="people", stream=True).view(
        {"sort": "", "q": "", "page": 1}
    )
    assert [(r.key, r.uri) for r in rows.items] == [("7", None)]


#: Set: the next view of the "flaky" table fails (a render that fails once, after the stream's).
FAIL_ONCE: list[bool] = []


class FlakyTable(Table):
    def view(self, state: TableState) -> TableView:
        if FAIL_ONCE:
            FAIL_ONCE.clear()
            raise RuntimeError("the flaky table failed once")
        return super().view(state)


@register("test_data_stream_flaky")
class FlakyStreamPage(DataPage):
    def layout(self) -> Layout:
        samples = Table(
            Sample.objects.all(), columns=["name", "species"], key="samples", stream=True
        )
        return [samples, FlakyTable([{"id": 1}], key="flaky")]


def test_a_render_that_fails_after_the_rows_changed_does_not_leave_the_page_stale(
    samples: list[Sample],
) -> None:
    """The render for a written row fails after the stream table's rows were worked out: the
    error is shown, and the page still gets the row as it is now (not the row as it was)."""
    viewer = Viewer("test_data_stream_flaky")
    third = samples[2]
    third.species = "Edited"
    third.save()
    FAIL_ONCE.append(True)
    frame = viewer.changed("PUT", third)
    assert "Something went wrong while rendering." in frame
    assert viewer.species(third) == "Edited"  # the window in full, with the error
    first = samples[0]
    first.species = "Later"
    first.save()
    viewer.changed("PUT", first)  # a later turn: that row alone, the page as it is
    assert (viewer.species(third), viewer.species(first)) == ("Edited", "Later")


def cell(viewer: Viewer, key: object, column: str, stream: str = "samples") -> str:
    return viewer.document.one(f"#lv-1-rows_{stream}-{key} td[data-column={column}]").get_text()


def test_regression_an_event_that_edits_a_row_in_the_pages_state_sends_that_row(
    settings: Settings,
) -> None:
    # Rows kept in the page's state: no broadcast tells of the edit; the event's answer must
    # carry the row (it sent nothing: the keys were the same, no URI had changed).
    viewer = Viewer("test_data_list_stream")
    frame = viewer.apply(viewer.page.dispatch("lv-1", "set_city", {"id": 2, "city": "Arlington"}))
    assert frame.count("<tr") == 1 and ">Grace<" in frame and ">Arlington<" in frame
    assert cell(viewer, 2, "city", "people") == "Arlington"
    assert cell(viewer, 1, "city", "people") == "London"
    # An event that changes no row sends none.
    assert viewer.page.dispatch("lv-1", "set_city", {"id": 2, "city": "Arlington"}) is None


def test_regression_a_write_no_broadcast_tells_of_goes_with_the_events_answer(
    samples: list[Sample],
) -> None:
    viewer = Viewer("test_data_editable_stream")
    second = samples[1]
    frame = viewer.apply(
        viewer.page.dispatch("lv-1", "set_mass_quietly", {"pk": second.pk, "body_mass": 1234})
    )
    assert row_names(frame) == {second.name} and frame.count("<tr") == 1
    assert cell(viewer, second.pk, "body_mass") == "1234"


def test_regression_a_row_whose_cells_did_not_change_is_not_sent_again(
    samples: list[Sample],
) -> None:
    viewer = Viewer()
    first = samples[0]
    first.species = "Edited"
    first.save()
    frame = viewer.changed("PUT", first)
    assert frame.count("<tr") == 1
    # The same change heard again (the page's own write coming back, a second process's
    # broadcast), or a write to a column the table does not show: nothing is sent.
    change = ResourceChanged("PUT", first.uri, "/samples/", first.etag)
    assert viewer.page.changed([change]) is None
    first.bill_length += 1
    first.save()
    change = ResourceChanged("PUT", first.uri, "/samples/", first.etag)
    assert viewer.page.changed([change]) is None
    assert cell(viewer, first.pk, "species") == "Edited"


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.data.stream_urls")
async def test_an_event_that_edits_a_row_sends_it_once_in_its_answer(
    live_client: LiveClient,
) -> None:
    if not await Sample.objects.aexists():  # a transactional test before may have flushed them
        await Sample.objects.abulk_create(
            Sample(name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass)
            for m in map(measurement, range(1, SEEDED + 1))
        )
    page = await live_client.open("/stream/")
    other = await live_client.open("/stream/")
    first = await Sample.objects.order_by("pk").afirst()
    assert first is not None
    before = len(page.frames)
    await page.send("rename_species", pk=first.pk, species="Edited")
    answer = page.frames[before:]
    assert len(answer) == 1 and answer[0].count("<tr") == 1 and ">Edited<" in answer[0]
    assert page.text(f"#lv-1-rows_samples-{first.pk} td[data-column=species]") == "Edited"
    # The other page hears of it from the broadcast: that row alone.
    frame = await other.next_frame()
    assert frame.count("<tr") == 1 and ">Edited<" in frame
    # The acting page's own broadcast is not sent to it again, and the row saved again with
    # the same cells (a new etag) is not sent at all.
    await page.send("rename_species", pk=first.pk, species="Edited")
    assert len(page.frames) == before + 1
    await sync_to_async(first.refresh_from_db)()
    assert first.species == "Edited"


@register("test_data_stream_own")
class OwnStreamPage(StreamPage):
    """A stream table beside a stream of the subclass's own whose name starts with `rows_`."""

    streams = {"rows_log": Stream(key="id")}


def test_a_subclass_stream_named_rows_is_its_own_and_only_the_tables_streams_are_the_pages() -> (
    None
):
    viewer = Viewer("test_data_stream_own")
    comp = viewer.page.components["lv-1"]
    assert stream_of(comp, "rows_log") is OwnStreamPage.streams["rows_log"]
    comp.stream_insert("rows_log", {"id": 1})  # keyed by its own key, not a table row's
    assert stream_of(comp, "rows_samples") is not OwnStreamPage.streams["rows_log"]
    with pytest.raises(LookupError, match="rows_nothing"):
        stream_of(comp, "rows_nothing")


@register("test_data_stream_clash")
class ClashingStreamPage(StreamPage):
    streams = {"rows_samples": Stream(key="id")}


def test_a_subclass_stream_with_a_stream_tables_name_is_a_clear_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    Viewer("test_data_stream_clash")  # the render fails: logged, and the page says so
    logged = [str(r.exc_info[1]) for r in caplog.records if r.exc_info]
    assert logged == [
        "ClashingStreamPage.streams declares 'rows_samples', the stream of its stream table "
        "'samples': give its own stream another name"
    ]
