"""DataPages the data tests mount, registered under test names."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils.safestring import mark_safe
from django_components import register

from liveview import event
from liveview.data import (
    Button,
    Chart,
    DataPage,
    Heading,
    Layout,
    Row,
    Table,
    Text,
    data_page,
)
from project.explore.models import Sample

ROWS: list[dict[str, Any]] = [
    {"name": "Ada", "city": "London", "age": 36},
    {"name": "Grace", "city": "New York", "age": 85},
    {"name": "Alan", "city": "Wilmslow", "age": 41},
    {"name": "Edsger", "city": "Nuenen", "age": 72},
    {"name": "Barbara", "city": "Boston", "age": None},
]


@register("test_data_list")
class ListPage(DataPage):
    title = "People"

    def layout(self) -> Layout:
        return [Heading("People"), Table(ROWS, per_page=2, key="people")]


@register("test_data_samples")
class SamplesPage(DataPage):
    clicks: int = 0

    def layout(self) -> Layout:
        count = Sample.objects.count()
        return [
            Row(Text(f"{count} samples; {self.clicks} clicks"), Button("Click", "click", by=2)),
            Chart.bar({"n": [count]}, x_labels=["samples"], watch=[Sample]),
            Table(Sample.objects.all(), columns=["name", "species", "body_mass"], per_page=5),
        ]

    @event
    def click(self, by: int = 1) -> None:
        self.clicks += by

    @event
    def add(self, name: str) -> None:
        Sample.objects.create(name=name, species="Adelie", bill_length=40.0, body_mass=4000)


@register("test_data_bad_button")
class BadButtonPage(DataPage):
    def layout(self) -> Layout:
        return Button("Nope", "not_an_event")


@register("test_data_two_tables")
class TwoTablesPage(DataPage):
    def layout(self) -> Layout:
        return [Table(ROWS, key="same"), Table(ROWS, key="same")]


@data_page("test_data_function", title="From a function", watch=[Sample])
def from_function(page: DataPage) -> Layout:
    return Text(f"{Sample.objects.count()} samples")


class Named:
    """A row object with a method column."""

    def __init__(self, name: str) -> None:
        self.name = name

    def shout(self) -> str:
        return self.name.upper()


@register("test_data_stream")
class StreamPage(DataPage):
    """A stream table of samples, five a page."""

    title = "Stream"

    def layout(self) -> Layout:
        return Table(
            Sample.objects.all(),
            columns=["name", "species", "body_mass"],
            key="samples",
            per_page=5,
            stream=True,
        )


@register("test_data_editable_stream")
class EditableStream(StreamPage):
    """The stream table of samples and an event of its own that edits one."""

    title = "Editable stream"

    @event
    def rename_species(self, pk: int, species: str) -> None:
        sample = Sample.objects.get(pk=pk)
        sample.species = species
        sample.save()

    @event
    def set_mass_quietly(self, pk: int, body_mass: int) -> None:
        """A write that publishes nothing (QuerySet.update): no broadcast tells the page."""
        Sample.objects.filter(pk=pk).update(body_mass=body_mass)


@register("test_data_list_stream")
class ListStream(DataPage):
    """A stream table of rows kept in the page's state; `set_city` edits one."""

    people: list[dict[str, Any]] = []

    def mount(self) -> None:
        self.people = [{"id": n, **person} for n, person in enumerate(ROWS, start=1)]

    def layout(self) -> Layout:
        return Table(self.people, columns=["name", "city"], key="people", stream=True)

    @event
    def set_city(self, id: int, city: str) -> None:
        self.people = [{**p, "city": city} if p["id"] == id else p for p in self.people]


#: Every kind of value a cell shows: localized, escaped, safe, None, a list.
CELL_VALUES: list[Any] = [
    None,
    0,
    1234567,
    1234.5,
    Decimal("12345.60"),
    "<b>&amp;'\"",
    mark_safe("<i>ok</i>"),
    datetime.date(2026, 12, 5),
    datetime.datetime(2026, 12, 5, 1, 2, 3, tzinfo=datetime.UTC),
    True,
    ["a", "<"],
    "plain",
]
