# Table: rows from a QuerySet or a list of dicts, sorted, filtered and paginated on the server.
# Its view state (sort, filter, page) lives in the DataPage; this module turns it into rows.
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any, ClassVar

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.template import Context
from django.utils.safestring import SafeString, mark_safe
from typing_extensions import TypedDict  # pydantic validates it (a reconnect's kept state)

from liveview.data.blocks import Block
from liveview.data.rows import (
    _DICTS,
    _PLAIN_TYPES,
    cell_value,
    cells_html,
    row_values,
    rows_html,
)
from liveview.pubsub.resources import LiveResource, Subscription, uri_of

#: The longest filter text a table accepts; longer input is cut.
MAX_FILTER = 200
#: A stream table's key: its stream's name is `rows_` and the key, `-` as `_`.
_STREAM_KEY = re.compile(r"[a-z][a-z0-9_-]{0,34}")


class TableState(TypedDict):
    """What one viewer has chosen for one table: kept in the page's state."""

    sort: str  # "" (source order), "column" (ascending) or "-column" (descending)
    q: str
    page: int


def initial_state() -> TableState:
    return {"sort": "", "q": "", "page": 1}


@dataclass(slots=True)
class Cell:
    column: str
    value: Any


@dataclass
class Header:
    column: str
    label: str
    sortable: bool
    #: "asc", "desc" or "" (not sorted by this column).
    direction: str

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction, "none")


@dataclass(slots=True)
class TableRow:
    """One row of a stream table (`Table(stream=True)`): its key, its values in the order of
    its `columns`, its URI when it is a LiveResource (a change to that URI sends the row
    again)."""

    key: str
    columns: tuple[str, ...]
    values: tuple[Any, ...]
    uri: str | None = None

    @property
    def cells(self) -> list[Cell]:
        """The row's cells (`cell.column`, `cell.value`), made when asked."""
        return [Cell(c, v) for c, v in zip(self.columns, self.values, strict=True)]

    def fingerprint(self) -> int:
        """A hash of what the row shows: equal when it would render the same HTML (each
        cell's column, its value's type and text), so a row whose cells did not change is not
        rendered or sent again."""
        return _fingerprint(self.columns, self.values)

    def html(self) -> SafeString:
        """The row's ``<td>``s (its stream item's content), built as a plain table's rows."""
        html = cells_html(self.columns, self.values, Context(autoescape=True))
        return mark_safe(html)  # noqa: S308  (every cell escaped by cells_html)


@dataclass
class TableView:
    """A table as one viewer sees it: what the template renders."""

    table: Table
    state: TableState
    headers: list[Header]
    #: Each row's values, in the order of the table's columns.
    values: list[tuple[Any, ...]]
    page: Page[Any]
    count: int
    #: A stream table's rows' keys (empty for other tables).
    keys: list[str] = dataclasses.field(default_factory=list)
    #: Their URIs (a LiveResource's), or None when none has one.
    uris: list[str | None] | None = None

    @functools.cached_property
    def items(self) -> list[TableRow]:
        """A stream table's rows with their keys (empty for other tables), made when asked (a
        window shown in full); `item` makes one."""
        return list(map(self.item, range(len(self.keys))))

    def item(self, at: int) -> TableRow:
        """The stream table's row number `at` of this window."""
        uri = self.uris[at] if self.uris is not None else None
        return TableRow(self.keys[at], tuple(self.table.columns), self.values[at], uri)

    def fingerprints(self) -> list[int]:
        """Each stream row's `TableRow.fingerprint()`: rows of plain values all hashed in C."""
        columns = tuple(self.table.columns)
        if _PLAIN_TYPES.issuperset(map(type, chain.from_iterable(self.values))):
            return list(map(hash, zip(repeat(columns), self.values)))
        return list(map(_fingerprint, repeat(columns), self.values))

    @functools.cached_property
    def rows(self) -> list[list[Cell]]:
        """Each row's cells (made when asked: a plain table's template needs `rows_html`)."""
        columns = self.table.columns
        return [[Cell(c, v) for c, v in zip(columns, row, strict=True)] for row in self.values]

    def rows_html(self) -> SafeString:
        """The rows' ``<tr>``s, each built by `cells_html` (the template engine's cost per
        cell was most of a render: a 300-row page is 600 cells)."""
        html = rows_html(tuple(self.table.columns), self.values)
        return mark_safe(html)  # noqa: S308  (every cell escaped by cells_html)


class Table(Block):
    """A table of `rows` (a QuerySet, a list of dicts or objects): sorted, filtered, paged.

    ``Table(Sample.objects.all(), columns=["name", "score"], per_page=10)``. Columns default to
    the model's fields (or the first row's keys). When the rows are a QuerySet of a
    LiveResource model, the page re-renders whenever a row of that model is written.
    ``stream=True`` renders the rows as a stream (docs/data.md): a written row is sent alone.
    """

    template_name: ClassVar[str] = "liveview/data/table.html"

    def __init__(
        self,
        rows: QuerySet[Any] | Sequence[Any],
        *,
        columns: Sequence[str] | None = None,
        labels: Mapping[str, str] | None = None,
        key: str | None = None,
        per_page: int = 10,
        sortable: bool | Sequence[str] = True,
        filterable: bool = True,
        debounce: str = "250ms",
        caption: str | None = None,
        stream: bool = False,
    ) -> None:
        if isinstance(rows, str | bytes) or not isinstance(rows, QuerySet | Sequence):
            raise TypeError(f"Table rows must be a QuerySet or a list, not {rows!r}")
        if per_page < 1:
            raise ValueError(f"per_page must be at least 1, not {per_page!r}")
        self.source = rows
        self.columns = list(columns) if columns is not None else self._default_columns()
        if not self.columns:
            raise ValueError("Table has no columns: pass columns=[...]")
        self._labels = dict(labels or {})
        self.key = key
        self.per_page = per_page
        if sortable is True:
            self.sortable = {c for c in self.columns if self._orderable(c)}
        elif sortable is False:
            self.sortable = set()
        else:
            unknown = set(sortable) - set(self.columns)
            if unknown:
                raise ValueError(f"sortable names columns the table does not have: {unknown}")
            unorderable = {c for c in sortable if not self._orderable(c)}
            if unorderable:
                raise ValueError(
                    f"a QuerySet sorts by fields and annotations only, not {unorderable}"
                )
            self.sortable = set(sortable)
        self.filterable = filterable
        #: How long the filter box waits for typing to pause before it sends ("250ms", "1s").
        self.debounce = debounce
        self.caption = caption
        #: The rows are a stream: a sort, filter or page shows the new window; a row written
        #: in the database is sent alone, in its place (docs/data.md, "A table as a stream").
        self.stream = stream
        #: This viewer's rows, set by the page before it renders.
        self.current: TableView | None = None

    # -- columns --------------------------------------------------------------------------

    def _default_columns(self) -> list[str]:
        if isinstance(self.source, QuerySet):
            return [f.name for f in _fields(self.source.model) if f.name != "etag"]
        first = self.source[0] if self.source else {}
        if isinstance(first, Mapping):
            return list(first.keys())
        if dataclasses.is_dataclass(first):
            return [f.name for f in dataclasses.fields(first)]
        return [k for k in vars(first) if not k.startswith("_")]

    def _orderable(self, column: str) -> bool:
        """Whether the rows can sort by `column`: any key of a list; a field or annotation of
        a QuerySet (a property or method is shown, but the database cannot sort by it)."""
        if not isinstance(self.source, QuerySet):
            return True
        query = self.source.query
        return (
            _field(self.source.model, column) is not None
            or column in query.annotations
            or column in query.values_select
        )

    def label(self, column: str) -> str:
        if column in self._labels:
            return self._labels[column]
        if isinstance(self.source, QuerySet):
            field = _field(self.source.model, column)
            if field is not None:
                return str(field.verbose_name).capitalize()
        return column.replace("_", " ").capitalize()

    # -- live -------------------------------------------------------------------------------

    def subscriptions(self) -> Iterable[Subscription]:
        if isinstance(self.source, QuerySet) and issubclass(self.source.model, LiveResource):
            return [self.source.model]
        return []

    # -- one viewer's view ------------------------------------------------------------------

    def check_sort(self, column: str) -> None:
        if column not in self.sortable:
            raise ValueError(f"column {column!r} cannot be sorted")

    def view(self, state: TableState) -> TableView:
        """The rows this viewer sees: filtered, sorted, the page they are on."""
        sort = state["sort"]
        column = sort.removeprefix("-")
        if column not in self.sortable:
            sort = column = ""
        rows = self._filtered(state["q"])
        rows = self._sorted(rows, column, descending=sort.startswith("-")) if column else rows
        if isinstance(rows, QuerySet) and not rows.ordered:
            rows = rows.order_by("pk")  # a stable order for the paginator
        page = Paginator(rows, self.per_page).get_page(state["page"])
        direction = "desc" if sort.startswith("-") else "asc"
        headers = [
            Header(c, self.label(c), c in self.sortable, direction if c == column else "")
            for c in self.columns
        ]
        values = row_values(page.object_list, self.columns)
        view = TableView(self, state, headers, values, page, page.paginator.count)
        if self.stream:
            shown = list(page.object_list)  # read already (row_values): its cached rows
            dicts = _DICTS.issuperset(map(type, shown))
            view.keys = _keys(shown) if dicts else list(map(_key, shown))
            view.uris = None if dicts else list(map(_uri, shown))  # a dict has none
            _check_unique(view.keys)
        return view

    @property
    def stream_name(self) -> str:
        """The name of a stream table's stream (from its key: `rows_<key>`)."""
        key = self.key or ""
        name = "rows_" + key.replace("-", "_")
        if not _STREAM_KEY.fullmatch(key):
            raise ValueError(
                f"a stream table's key is lower-case letters, digits, - and _ (up to 34), "
                f"a letter first: not {key[:64]!r}"
            )
        return name

    def collection(self) -> str | None:
        """The collection URI of the rows' model (a LiveResource QuerySet), else None."""
        if isinstance(self.source, QuerySet) and issubclass(self.source.model, LiveResource):
            return uri_of(self.source.model)
        return None

    def _filtered(self, q: str) -> QuerySet[Any] | Sequence[Any]:
        q = q.strip()[:MAX_FILTER]
        if not q or not self.filterable:
            return self.source
        if isinstance(self.source, QuerySet):
            names = [c for c in self.columns if _field(self.source.model, c) is not None]
            match = functools.reduce(
                lambda a, b: a | b, (Q(**{f"{c}__icontains": q}) for c in names), Q(pk__in=[])
            )
            return self.source.filter(match)
        needle = q.casefold()
        return [
            row
            for row in self.source
            if any(needle in _text(cell_value(row, c)).casefold() for c in self.columns)
        ]

    def _sorted(
        self, rows: QuerySet[Any] | Sequence[Any], column: str, *, descending: bool
    ) -> QuerySet[Any] | Sequence[Any]:
        if isinstance(rows, QuerySet):
            order = models.F(column)
            expr = order.desc(nulls_last=True) if descending else order.asc(nulls_last=True)
            return rows.order_by(expr, "pk")
        present = [r for r in rows if cell_value(r, column) is not None]
        missing = [r for r in rows if cell_value(r, column) is None]
        try:
            ordered = sorted(present, key=lambda r: cell_value(r, column), reverse=descending)
        except TypeError:  # mixed types: compare as text
            ordered = sorted(
                present, key=lambda r: _text(cell_value(r, column)), reverse=descending
            )
        return ordered + missing


def _key(row: Any) -> str:
    """A stream row's key: its primary key (a model instance), or its "pk" or "id"."""
    if type(row) is dict:  # the common case first, without isinstance(row, Mapping)
        value = row.get("pk")
        value = row.get("id") if value is None else value
        if value is not None:
            return str(value)
    for name in ("pk", "id"):
        value = row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)
        if value is not None:
            return str(value)
    raise TypeError(f"a stream table's row needs a pk or an id: {row!r:.80}")


def _keys(rows: list[dict[str, Any]]) -> list[str]:
    """Each stream row's key (`_key`) of rows that are dicts: all keyed by "id" (or all by
    "pk") read in C."""
    pks = list(map(dict.get, rows, repeat("pk")))
    found = set(map(type, pks))
    if found == _NONE_ONLY:
        pks = list(map(dict.get, rows, repeat("id")))
        found = set(map(type, pks))
    if NoneType not in found:
        return list(map(str, pks))
    return list(map(_key, rows))


def _fingerprint(columns: tuple[str, ...], values: tuple[Any, ...]) -> int:
    """`TableRow.fingerprint`: a row of plain values (exactly text, booleans, None) renders the
    same HTML when its values are equal, so those are hashed as they are."""
    if _PLAIN_TYPES.issuperset(map(type, values)):
        return hash((columns, values))
    return hash((columns, tuple(map(type, values)), tuple(map(str, values))))


NoneType = type(None)
_NONE_ONLY = {NoneType}


def _check_unique(keys: list[str]) -> None:
    """A stream's rows are elements by their keys: two rows with one key would be one."""
    if len(set(keys)) == len(keys):
        return
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"a stream table's two rows share the key {key[:64]!r}")
        seen.add(key)


def _uri(row: Any) -> str | None:
    return None if type(row) is dict else row.uri if isinstance(row, LiveResource) else None


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.is_relation]


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    return next((f for f in _fields(model) if f.name == name), None)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
