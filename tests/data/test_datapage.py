from __future__ import annotations

import weakref

import pytest
from pytest_django.fixtures import Settings

from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime.page import Page
from liveview.testing.dom import Document
from project.explore.models import Sample
from tests.data import pages  # noqa: F401  (registers the test pages)

#: Each page's connect frame: what its browser has before the frames a test applies.
FIRST: weakref.WeakKeyDictionary[Page, str] = weakref.WeakKeyDictionary()


def connected(name: str) -> Page:
    page = Page(connected=True)
    spec = ComponentSpec(name, "lv-1", {})
    page.mount_token(PageToken.new((spec,), Binding.of(None, None, "x")))
    FIRST[page] = page.render_all()
    return page


def shown(page: Page, *frames: str, cid: str = "lv-1") -> str:
    """Component `cid` as the page's browser shows it once `frames` are applied."""
    document = Document(FIRST[page])
    for frame in frames:
        document.apply(frame)
    return str(document.one(f"#{cid}"))


def test_the_layout_renders_without_a_template() -> None:
    html = connected("test_data_list").render_all()
    assert "<h1>People</h1>" in html
    assert "<h2>People</h2>" in html
    assert ">Ada</td>" in html and ">Grace</td>" in html
    assert "Page 1 of 3 · 5 rows" in html


def test_sorting_by_a_header_sends_the_sorted_rows() -> None:
    page = connected("test_data_list")
    frame = page.dispatch("lv-1", "table_sort", {"table": "people", "column": "age"})
    assert frame is not None
    html = shown(page, frame)
    assert html.index(">Ada</td>") < html.index(">Alan</td>")
    assert ">Grace</td>" not in html  # 85: on a later page
    assert 'aria-sort="ascending"' in html


def test_sorting_the_same_column_again_sorts_descending() -> None:
    page = connected("test_data_list")
    ascending = page.dispatch("lv-1", "table_sort", {"table": "people", "column": "age"})
    frame = page.dispatch("lv-1", "table_sort", {"table": "people", "column": "age"})
    assert ascending is not None and frame is not None
    html = shown(page, ascending, frame)
    assert ">Grace</td>" in html and 'aria-sort="descending"' in html


def test_filtering_keeps_the_matching_rows_and_goes_to_page_one() -> None:
    page = connected("test_data_list")
    page.dispatch("lv-1", "table_page", {"table": "people", "page": "2"})
    frame = page.dispatch("lv-1", "table_filter", {"table": "people", "q": "NEW YORK"})
    assert frame is not None
    assert ">Grace</td>" in frame and ">Ada</td>" not in frame
    assert "Page 1 of 1 · 1 row<" in frame


def test_next_page_shows_the_next_rows() -> None:
    page = connected("test_data_list")
    frame = page.dispatch("lv-1", "table_page", {"table": "people", "page": "2"})
    assert frame is not None
    html = shown(page, frame)
    assert ">Alan</td>" in html and ">Ada</td>" not in html


def test_each_viewer_keeps_their_own_table_state() -> None:
    first, second = connected("test_data_list"), connected("test_data_list")
    first.dispatch("lv-1", "table_page", {"table": "people", "page": "2"})
    assert ">Ada</td>" in second.render_all()


def test_sorting_by_a_column_the_table_does_not_have_is_refused() -> None:
    page = connected("test_data_list")
    frame = page.dispatch("lv-1", "table_sort", {"table": "people", "column": "__class__"})
    assert frame is not None
    assert "lv-error" in frame
    assert page.components["lv-1"].table_states == {}  # type: ignore[attr-defined]


def test_an_event_for_a_table_not_on_the_page_is_refused() -> None:
    page = connected("test_data_list")
    frame = page.dispatch("lv-1", "table_filter", {"table": "nope", "q": "a"})
    assert frame is not None and "lv-error" in frame


def test_filter_text_is_escaped_in_the_empty_message() -> None:
    page = connected("test_data_list")
    frame = page.dispatch("lv-1", "table_filter", {"table": "people", "q": "<script>x"})
    assert frame is not None
    assert "&lt;script&gt;x" in frame and "<script>x" not in frame


def test_a_button_naming_something_that_is_not_an_event_fails_clearly(settings: Settings) -> None:
    settings.DEBUG = True  # the developer's mistake is named only under DEBUG
    html = connected("test_data_bad_button").render_all()
    assert "not_an_event" in html and "lv-error" in html


def test_two_tables_with_one_key_fail_clearly(settings: Settings) -> None:
    settings.DEBUG = True
    html = connected("test_data_two_tables").render_all()
    assert "share the key" in html


@pytest.mark.django_db
def test_a_button_calls_the_pages_event_with_its_arguments() -> None:
    page = connected("test_data_samples")
    frame = page.dispatch("lv-1", "click", {"by": 2})
    assert frame is not None and "; 2 clicks" in frame


@pytest.mark.django_db
def test_the_page_subscribes_to_its_tables_and_charts_models() -> None:
    page = connected("test_data_samples")
    assert page.topics() == {"/samples/"}


@pytest.mark.django_db
def test_a_change_to_the_model_re_renders_the_rows_and_keeps_the_table_state() -> None:
    page = connected("test_data_samples")
    page.dispatch("lv-1", "table_filter", {"table": "table-1", "q": "zed"})
    sample = Sample.objects.create(name="Zed", species="Adelie", bill_length=40, body_mass=1)
    change = ResourceChanged("POST", sample.uri, "/samples/", sample.etag)
    frame = page.changed([change])
    assert frame is not None
    assert ">Zed</td>" in frame
    assert "Page 1 of 1 · 1 row<" in frame


@pytest.mark.django_db
def test_a_change_redraws_the_chart() -> None:
    page = connected("test_data_samples")
    before = page.render_all()
    sample = Sample.objects.create(name="Zed", species="Adelie", bill_length=40, body_mass=1)
    page.changed([ResourceChanged("POST", sample.uri, "/samples/", sample.etag)])
    after = page.render_all()
    chart = before.index("<svg"), after.index("<svg")
    assert before[chart[0] : before.index("</svg>")] != after[chart[1] : after.index("</svg>")]


@pytest.mark.django_db
def test_an_event_that_writes_re_renders_its_own_page() -> None:
    page = connected("test_data_samples")
    count = Sample.objects.count()
    frame = page.dispatch("lv-1", "add", {"name": "Newbie"})
    assert frame is not None and f"{count + 1} samples" in frame


@pytest.mark.django_db
def test_a_function_becomes_a_registered_page() -> None:
    page = connected("test_data_function")
    html = page.render_all()
    assert "<h1>From a function</h1>" in html
    assert f"{Sample.objects.count()} samples" in html
    assert page.topics() == {"/samples/"}


@pytest.mark.django_db
def test_a_broadcast_lays_out_identical_pristine_pages_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from liveview.runtime.fanout import render_batch

    first, second = connected("test_data_samples"), connected("test_data_samples")
    calls: list[object] = []
    original = pages.SamplesPage.layout

    def counted(self: pages.SamplesPage) -> object:
        calls.append(self)
        return original(self)

    monkeypatch.setattr(pages.SamplesPage, "layout", counted)
    sample = Sample.objects.create(name="Zed", species="Adelie", bill_length=40, body_mass=1)
    change = ResourceChanged("POST", sample.uri, "/samples/", sample.etag)
    frames = render_batch([(first, [change]), (second, [change])])
    assert frames[0] is not None and frames[0] == frames[1]
    assert len({id(c) for c in calls}) == 1  # only the first page's component laid out


def test_the_datapage_base_is_not_reported_as_unregistered() -> None:
    from liveview.checks import check_components_registered
    from liveview.data import DataPage

    assert [m for m in check_components_registered() if m.obj is DataPage] == []


def mounted(*specs: tuple[str, str]) -> Page:
    page = Page(connected=True)
    token = PageToken.new(
        tuple(ComponentSpec(name, cid, {}) for name, cid in specs), Binding.of(None, None, "x")
    )
    page.mount_token(token)
    FIRST[page] = page.render_all()
    return page


@pytest.mark.django_db
def test_a_broadcast_shared_between_twins_at_different_ids_keeps_each_pages_own_ids() -> None:
    from liveview.runtime.fanout import render_batch

    # Regression: the shared render of page B's twin (lv-1) was adopted by page A's (lv-2).
    page_b = mounted(("test_data_samples", "lv-1"))
    page_a = mounted(("test_data_list", "lv-1"), ("test_data_samples", "lv-2"))
    sample = Sample.objects.create(name="Zed", species="Adelie", bill_length=40, body_mass=1)
    change = ResourceChanged("POST", sample.uri, "/samples/", sample.etag)
    frame_b, frame_a = render_batch([(page_b, [change]), (page_a, [change])])
    assert frame_a is not None and frame_b is not None
    assert '"lv":"lv-2"' in shown(page_a, frame_a, cid="lv-2")
    assert "lv-1" not in frame_a
    assert "lv-2" not in frame_b
