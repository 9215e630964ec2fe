# Chart: line, bar and scatter charts drawn on the server by pygal as inline SVG, with no
# script, no XML declaration and a stable id, so an unchanged chart renders the same bytes.
from __future__ import annotations

import hashlib
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, ClassVar, Literal
from xml.etree import ElementTree

from django.utils.safestring import SafeString, mark_safe

from liveview.data.blocks import Block
from liveview.pubsub.resources import Subscription

ChartKind = Literal["line", "bar", "scatter"]
Number = int | float
Point = tuple[Number, Number]

#: The pygal chart class of each kind.
_KINDS: dict[str, str] = {"line": "Line", "bar": "Bar", "scatter": "XY"}


@cache
def _pygal() -> Any:  # pygal is untyped
    """pygal, imported by the first chart drawn (not when liveview is imported).

    Its import appends a legacy import hook (for its map plugins, unused here) that makes every
    failed import anywhere in the process warn ImportWarning, an error under `-W error`: it is
    taken out of `sys.meta_path` here, as soon as pygal put it there.
    """
    import pygal

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


class Chart(Block):
    """A chart of one or more named series, rendered as SVG on the server.

    ``Chart("bar", {"score": [3, 5, 2]}, x_labels=["a", "b", "c"], title="Scores")``; a
    scatter's values are ``(x, y)`` pairs. ``watch`` names what its data comes from (a
    LiveResource model, a resource, a URI): the page re-renders when that changes.
    """

    template_name: ClassVar[str] = "liveview/data/chart.html"

    def __init__(
        self,
        kind: ChartKind,
        series: Mapping[str, Sequence[Number | Point | None]],
        *,
        x_labels: Sequence[object] | None = None,
        title: str | None = None,
        x_title: str | None = None,
        y_title: str | None = None,
        width: int = 640,
        height: int = 360,
        key: str | None = None,
        watch: Iterable[Subscription] = (),
    ) -> None:
        if kind not in _KINDS:
            raise ValueError(f"Chart kind must be one of {sorted(_KINDS)}, not {kind!r}")
        self.kind = kind
        self.series = {str(name): _values(kind, str(name), vals) for name, vals in series.items()}
        self.x_labels = [str(label) for label in x_labels] if x_labels is not None else None
        self.title = title
        self.x_title = x_title
        self.y_title = y_title
        self.width = width
        self.height = height
        self.key = key
        self.watch = list(watch)

    @classmethod
    def line(cls, series: Mapping[str, Sequence[Number | None]], **options: Any) -> Chart:
        return cls("line", series, **options)

    @classmethod
    def bar(cls, series: Mapping[str, Sequence[Number | None]], **options: Any) -> Chart:
        return cls("bar", series, **options)

    @classmethod
    def scatter(cls, series: Mapping[str, Sequence[Point]], **options: Any) -> Chart:
        return cls("scatter", series, **options)

    def subscriptions(self) -> Iterable[Subscription]:
        return self.watch

    def chart_id(self) -> str:
        """Stable for the same chart and data: the SVG's id (``chart-<this>``) scopes its style."""
        data = [self.kind, self.series, self.x_labels, self.title, self.x_title, self.y_title]
        digest = hashlib.sha256(json.dumps([*data, self.width, self.height]).encode()).hexdigest()
        return digest[:16]

    def svg(self) -> SafeString:
        """The chart as an ``<svg>`` element, safe to put in HTML: pygal escapes every text."""
        chart = getattr(_pygal(), _KINDS[self.kind])(
            js=[],
            disable_xml_declaration=True,
            width=self.width,
            height=self.height,
            title=self.title,
            x_title=self.x_title,
            y_title=self.y_title,
            stroke=self.kind != "scatter",
            show_legend=len(self.series) > 1,
            explicit_size=False,
            no_prefix=False,
        )
        chart.uuid = self.chart_id()
        if self.x_labels is not None:
            chart.x_labels = self.x_labels
        for name, values in self.series.items():
            chart.add(name, values)
        chart.add_xml_filter(_without_scripts_and_comments)
        svg: str = chart.render(is_unicode=True)
        return mark_safe(svg)  # noqa: S308 (pygal built it with ElementTree: text is escaped)

    def __html__(self) -> str:
        return str(self.svg())

    def __str__(self) -> str:
        # Django's {{ chart }} calls str() first: keep it marked safe.
        return self.svg()


def _values(kind: str, name: str, values: Sequence[Any]) -> list[Any]:
    """The series checked: numbers (or None for a gap), pairs of numbers for a scatter."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"Chart series {name!r} must be a list of values, not {values!r}")
    checked: list[Any] = []
    for value in values:
        if kind == "scatter":
            if not (isinstance(value, Sequence) and len(value) == 2):
                raise TypeError(f"scatter series {name!r}: {value!r} is not an (x, y) pair")
            checked.append((_number(name, value[0]), _number(name, value[1])))
        elif value is None:
            checked.append(None)
        else:
            checked.append(_number(name, value))
    return checked


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value)  # Decimal, numpy scalars
        except (TypeError, ValueError):
            raise TypeError(f"Chart series {name!r}: {value!r} is not a number") from None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"Chart series {name!r}: {value!r} is not a finite number")
    return number


def _without_scripts_and_comments(root: ElementTree.Element) -> ElementTree.Element:
    # pygal adds a <script> with its config even when js=[] (for its optional tooltips script),
    # and comments with the render date, which would make every render look changed.
    # pygal builds on lxml when it is importable, and lxml's iter() walks the live tree: a
    # removal ends the walk early (the script stayed). So list the elements before removing.
    for parent in list(root.iter()):
        for child in list(parent):
            # A comment's tag is a function (ElementTree's and lxml's alike), not a name.
            if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root
