# A table's rows as HTML: each row's values read from its source row, each row's <td>s built
# in Python (localized, escaped, as the template engine would), a row of plain values kept.
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping
from itertools import chain
from operator import itemgetter
from typing import Any, cast

from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape


def rows_html(columns: tuple[str, ...], values: list[tuple[Any, ...]]) -> str:
    """The rows' ``<tr>``s, each built by `cells_html` (the template engine's cost per cell
    was most of a render: a 300-row page is 600 cells); safe: every cell is escaped."""
    context = Context(autoescape=True)
    kept = _row_cache.get(columns, {})
    if _PLAIN_TYPES.issuperset(map(type, chain.from_iterable(values))):
        parts = list(map(kept.get, values))  # every row plain: each one looked up, in C
    else:  # only a plain row is a key (1 == True): a row with a number is built
        plain = _PLAIN_TYPES.issuperset
        parts = [kept.get(row) if plain(map(type, row)) else None for row in values]
    at = -1
    with contextlib.suppress(ValueError):  # the rows not kept (the one that changed)
        while True:
            at = parts.index(None, at + 1)  # found in C, from the last one on
            parts[at] = cells_html(columns, values[at], context)
    built = cast(list[str], parts)  # every None replaced
    return "<tr>" + "</tr><tr>".join(built) + "</tr>" if built else ""


#: A row whose values are all of these types renders the same in any language, time zone and
#: setting (text is escaped, True is "True", None is ""): its HTML is kept and reused.
_PLAIN_TYPES = frozenset({str, bool, type(None)})
#: Kept rows' HTML, by the row's columns, then its values. Emptied when the HTML and the
#: values' text it keeps would pass this many characters (a few MB for the process at most).
_ROW_CACHE_CHARS = 1_000_000
_row_cache: dict[tuple[str, ...], dict[tuple[Any, ...], str]] = {}
_row_cache_chars = 0
#: Held to keep a row and count it (a miss: the row was just built): rows render in Django's
#: sync thread and, for `@event(on_loop=True)` turns, on the event loop's, at the same time.
#: A lookup takes no lock: a dict read is atomic, and a row found is right whoever kept it.
_row_cache_lock = threading.Lock()


def cells_html(columns: tuple[str, ...], values: tuple[Any, ...], context: Context) -> str:
    """One row's ``<td>``s, as ``<td data-column="{{ cell.column }}">{{ cell.value|
    default_if_none:"" }}</td>`` renders each cell in `context` (localized, escaped), without
    the template engine. A row of plain values (text, booleans, None; exactly those types) is
    built once and kept: the same row shown again (the other 299 rows when one cell changed)
    is a lookup. The HTML is safe: every part is escaped."""
    global _row_cache_chars
    plain = _PLAIN_TYPES.issuperset(map(type, values))  # (1 == True: only exact types are keys)
    if plain:
        kept = _row_cache.get(columns)
        html = kept.get(values) if kept is not None else None
        if html is not None:
            return html
    parts = []
    for column, value in zip(columns, values, strict=True):
        shown = ""
        if type(value) is str:  # nothing to localize: escaped as the engine does
            shown = escape(value)
        else:
            shown = render_value_in_context("" if value is None else value, context)
        parts.append(f'<td data-column="{conditional_escape(column)}">{shown}</td>')
    html = "".join(parts)
    if plain:
        size = len(html) + sum([len(v) for v in values if type(v) is str])
        with _row_cache_lock:  # the size counted is the size kept, whatever the threads
            if _row_cache_chars + size > _ROW_CACHE_CHARS:
                _row_cache.clear()
                _row_cache_chars = 0
            if size <= _ROW_CACHE_CHARS:
                _row_cache.setdefault(columns, {})[values] = html
                _row_cache_chars += size
    return html


#: The rows of `row_values`' fast path: exactly dicts (a subclass's `[]` may differ from `.get`).
_DICTS = frozenset({dict})


def row_values(rows: Iterable[Any], columns: list[str]) -> list[tuple[Any, ...]]:
    """Each row's values in the order of `columns`: a list of dicts holding every column is
    read by `itemgetter`, in C; anything else (a missing key is None, an object's attribute,
    a method called) by `cell_value`."""
    rows = list(rows)
    if _DICTS.issuperset(map(type, rows)):
        try:
            if len(columns) == 1:
                return list(zip(map(itemgetter(columns[0]), rows)))
            return list(map(itemgetter(*columns), rows))
        except KeyError:
            return [tuple(map(row.get, columns)) for row in rows]
    return [tuple([cell_value(row, c) for c in columns]) for row in rows]


def cell_value(row: Any, column: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(column)
    value = getattr(row, column, None)
    # A method column (`get_status_display`) is called, as a template would.
    return value() if callable(value) else value
