# DataPage: a live component whose HTML comes from Python blocks (Table, Chart, Text, Row…)
# returned by its layout(), not from a template the user writes. It keeps each viewer's
# table state (sort, filter, page) and re-reads the data at every render.
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import compress
from operator import ne
from typing import Any, ClassVar

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event
from liveview.authoring.streams import Stream, stream_state
from liveview.data.blocks import Block, Button, flatten
from liveview.data.table import MAX_FILTER, Table, TableState, TableView, initial_state
from liveview.pubsub.resources import ResourceChanged, Subscription

#: A stream table's stream: rows keyed by their primary key, a new one at the bottom.
_ROWS = Stream(key=lambda row: row.key)

Layout = Block | Iterable[Block | None] | None


class DataPage(LiveComponent):
    """A page (or a part of one) composed in Python: override ``layout()``.

    The layout is built again at every render, so it always shows the database as it is now.
    Table sorting, filtering and paging are events of this component; add your own with
    ``@event`` and bind them with ``Button("Label", "event_name")``.
    """

    template_name = "liveview/data/page.html"
    #: A stream table's rows are rendered by this included template.
    stream_templates = ("liveview/data/table.html",)
    #: A base to subclass, not registered itself (the system check knows; subclasses are not).
    abstract: ClassVar[bool] = True
    #: The HTML depends on the state only: a broadcast renders it once for identical pages.
    #: Set False when layout() reads ``self.live.user``.
    viewer_independent = True
    #: A heading shown above the layout, and the <title> of a page served by `page_path`.
    title: ClassVar[str] = ""
    #: What the page shows besides its tables' models: the page re-renders when it changes.
    watch: ClassVar[Sequence[Subscription]] = ()

    #: Each table's view state, by the table's key.
    table_states: dict[str, TableState] = {}
    #: The tables' sort, filter and page survive a reconnect (see LiveComponent.kept).
    kept = ("table_states",)
    #: The key of the one table whose sort, filter and page live in the page's address
    #: instead: the subclass declares ``sort: str = ""``, ``q: str = ""`` and ``page: int = 1``
    #: and lists them in ``url_state`` (docs/urls.md).
    url_table: ClassVar[str | None] = None

    def layout(self) -> Layout:
        """The blocks to show: a block, a list of blocks, or blocks nested in Row and Column."""
        raise NotImplementedError(f"{type(self).__name__} must define layout()")

    # -- building -----------------------------------------------------------------------------

    def blocks(self) -> list[Block]:
        """The layout as a list of top-level blocks, every table given its key."""
        blocks = list(flatten([self.layout()]))
        seen: set[str] = set()
        for number, table in enumerate(_tables(blocks), start=1):
            if table.key is None:
                table.key = f"table-{number}"
            if table.key in seen:
                raise ValueError(f"two tables share the key {table.key!r}: give each a key=")
            seen.add(table.key)
        return blocks

    def table(self, key: str) -> Table:
        """The table with this key in the current layout (a KeyError names a missing one)."""
        for table in _tables(self.blocks()):
            if table.key == key:
                return table
        raise KeyError(f"no table {key[:64]!r} on this page")

    def table_state(self, key: str) -> TableState:
        if key == self.url_table:  # from the address: anyone's to type, so bounded here
            q, page = str(getattr(self, "q", "")), getattr(self, "page", 1)
            sort = str(getattr(self, "sort", ""))  # a column it cannot sort by is ignored
            return {"sort": sort, "q": q[:MAX_FILTER], "page": max(1, int(page))}
        return self.table_states.get(key) or initial_state()

    def extra_context(self) -> Mapping[str, Any]:
        blocks = self.blocks()
        follows: list[Subscription] = list(self.watch)
        events = type(self)._lv_events
        for top in blocks:
            for block in top.walk():
                if isinstance(block, Button) and block.event_name not in events:
                    raise ValueError(
                        f"Button {block.label!r} calls {block.event_name!r}, "
                        f"which is not an @event of {type(self).__name__}"
                    )
                follows.extend(block.subscriptions())
        changed = self.__dict__.pop("_lv_changed", set())
        tables = _tables(blocks)
        self.__dict__["_lv_table_streams"] = _stream_names(type(self), tables)
        for table in tables:
            assert table.key is not None
            table.current = table.view(self.table_state(table.key))
            if table.stream:
                self._show_window(table, table.current, changed)
        # What these blocks show, for the `subscriptions()` the page asks right after this
        # render (Page._follow): the layout is not built a second time for it.
        self._lv.laid_out = follows
        return {"blocks": blocks, "title": self.title}

    # -- stream tables (docs/data.md, "A table as a stream") ----------------------------------

    def stream_declared(self, name: str) -> Stream | None:
        """The stream of a stream table the layout shows (`rows_<key>`), else the class's own."""
        if name in self.__dict__.get("_lv_table_streams", ()):
            return _ROWS
        return super().stream_declared(name)

    def stream_item_context(self) -> dict[str, Any] | None:
        return {}  # a row needs its cells only: no layout() again

    def _show_window(self, table: Table, view: TableView, changed: set[str]) -> None:
        """Bring the page's rows of a stream table to `view`'s window: in full when the page
        has none yet, the sort, filter or page changed, the whole collection did (`changed`
        URIs) or an error is shown; else the rows that left and came (at the top or the
        bottom) and, in place, the rows whose cells changed since they were sent (an event's
        edit, a broadcast's), each once. Only the window's keys and a hash of each row's cells
        are kept, not its rows."""
        name = table.stream_name
        windows: dict[str, tuple[tuple[str, str, int], list[str], list[int]]]
        windows = self.__dict__.setdefault("_lv_windows", {})
        seen = (view.state["sort"], view.state["q"], view.page.number)
        keys, prints = view.keys, view.fingerprints()
        last = windows.get(name)
        windows[name] = (seen, keys, prints)
        moves = None
        if (
            last is not None
            and last[0] == seen
            and not stream_state(self, name).full
            and table.collection() not in changed
        ):
            moves = window_moves(last[1], keys)
        if self._lv.error is not None:
            # An error shown (a render that failed: its row changes were dropped): the whole
            # component goes, with the window in full, so the page shows the rows as they are.
            self.stream(name, view.items)
            return
        if last is None or moves is None:
            self.stream_reset(name, view.items)
            return
        gone, top, bottom = moves
        if not gone and not top and not bottom:  # the same rows: those whose cells changed
            edited = list(compress(range(len(keys)), map(ne, last[2], prints)))  # in C
        else:
            at = dict(zip(keys, range(len(keys)), strict=True))
            for key in gone:
                self.stream_delete(name, key)
            for key in reversed(top):
                self.stream_insert(name, view.item(at[key]), at=0)
            for key in bottom:
                self.stream_insert(name, view.item(at[key]), at=-1)
            came = {*top, *bottom}
            sent = dict(zip(last[1], last[2], strict=True))
            edited = [
                n for n, key in enumerate(keys) if key not in came and sent.get(key) != prints[n]
            ]
        for index in edited:  # in the window's order; a TableRow made for a row sent only
            self.stream_insert(name, view.item(index))  # in its place

    # -- live ---------------------------------------------------------------------------------

    def subscriptions(self) -> Iterable[Subscription]:
        """What the layout shows: the tables' and charts' models and `watch`. Right after a
        render, the blocks that render laid out (`ComponentRecord.laid_out`, which the page
        drops once code may have changed the state); else the layout built again."""
        laid_out = self._lv.laid_out
        if laid_out is not None:
            return laid_out
        found: list[Subscription] = list(self.watch)
        for top in self.blocks():
            for block in top.walk():
                found.extend(block.subscriptions())
        return found

    def resource_changed(self, change: ResourceChanged) -> None:
        """Nothing to reload: the layout reads the data again when the page re-renders. A
        stream table sends the rows whose cells changed; a change to its whole collection (its
        URIs are noted for that render) shows its window again."""
        noted: set[str] = self.__dict__.setdefault("_lv_changed", set())
        noted.add(change.uri)

    # -- the tables' events -------------------------------------------------------------------

    @event
    def table_sort(self, table: str, column: str) -> None:
        """Sort by `column`, ascending; again on the same column: descending."""
        self.table(table).check_sort(column)
        state = self.table_state(table)
        descending = state["sort"] == column
        self._set(table, {**state, "sort": f"-{column}" if descending else column, "page": 1})

    @event
    def table_filter(self, table: str, q: str = "") -> None:
        """Show only the rows with `q` in one of their columns (any case)."""
        self.table(table)
        self._set(table, {**self.table_state(table), "q": q[:MAX_FILTER], "page": 1})
        if table == self.url_table:
            self.live.replace_url()  # typing: one history entry, not one per keystroke

    @event
    def table_page(self, table: str, page: int) -> None:
        """Go to page `page` (clamped to the pages there are when it renders)."""
        self.table(table)
        self._set(table, {**self.table_state(table), "page": max(1, page)})

    def _set(self, key: str, state: TableState) -> None:
        if key == self.url_table:
            self.sort, self.q, self.page = state["sort"], state["q"], state["page"]
            return
        self.table_states = {**self.table_states, key: state}


def window_moves(shown: list[str], now: list[str]) -> tuple[list[str], list[str], list[str]] | None:
    """How the keys `shown` become `now` by taking some out and putting new ones at the top
    and the bottom: (gone, new at the top, new at the bottom); None when the rows kept moved
    or a new one lands between them (then the window is shown again in full)."""
    if not now or not shown:
        return None
    if shown == now:  # the same rows (an edit in place, a broadcast): nothing moves
        return [], [], []
    present = set(now)
    kept = [key for key in shown if key in present]
    if not kept:
        return None
    first = now.index(kept[0])
    if now[first : first + len(kept)] != kept:
        return None
    gone = [key for key in shown if key not in present]
    top, bottom = now[:first], now[first + len(kept) :]
    return gone, top, bottom


def _tables(blocks: Iterable[Block]) -> list[Table]:
    return [b for top in blocks for b in top.walk() if isinstance(b, Table)]


def _stream_names(cls: type[DataPage], tables: list[Table]) -> frozenset[str]:
    """The streams of the stream tables; one the class declares itself too is an error."""
    names = frozenset(t.stream_name for t in tables if t.stream)
    declared = cls.streams if isinstance(cls.streams, dict) else {}
    for name in sorted(names & set(declared)):
        raise ValueError(
            f"{cls.__qualname__}.streams declares {name!r}, the stream of its stream table "
            f"{name.removeprefix('rows_')!r}: give its own stream another name"
        )
    return names


def data_page(
    name: str, *, title: str = "", watch: Sequence[Subscription] = ()
) -> Callable[[Callable[[DataPage], Layout]], type[DataPage]]:
    """Turn a function into a registered DataPage: the function is its ``layout()``.

    ``@data_page("hello") def hello(page): return Text("Hello")``; then ``page_path("hello/",
    hello)``. For actions of your own (``@event``), subclass DataPage instead.
    """
    from django_components import register

    def decorate(func: Callable[[DataPage], Layout]) -> type[DataPage]:
        def layout(self: DataPage) -> Layout:
            return func(self)

        attrs = {
            "layout": layout,
            "title": title,
            "watch": tuple(watch),
            # A function defined by exec() has no module; django-components needs one.
            "__module__": func.__module__ or __name__,
            "__qualname__": func.__qualname__,
            "__doc__": func.__doc__,
        }
        cls = type(func.__name__, (DataPage,), attrs)
        register(name)(cls)
        return cls

    return decorate
