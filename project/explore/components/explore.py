"""The explore demo, composed in Python: no template of its own."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean

from django_components import register

from liveview import event
from liveview.data import Button, Chart, DataPage, Layout, Link, Row, Table, Text
from project.explore.data import SPECIES, measurement
from project.explore.models import Sample


@register("explore")
class Explore(DataPage):
    title = "Explore penguins"
    # The samples table's sort, filter and page are in the address: /explore/?sort=-body_mass
    # &q=gentoo&page=2 is a link to that view, and back/forward step through them.
    url_table = "samples"
    url_state = ("sort", "q", "page")
    sort: str = ""
    q: str = ""
    page: int = 1

    def layout(self) -> Layout:
        samples = list(Sample.objects.order_by("pk"))
        by_species: dict[str, list[Sample]] = defaultdict(list)
        for sample in samples:
            by_species[sample.species].append(sample)
        return [
            Text(
                "Made-up penguin measurements. Sort by a column, filter, page through them, "
                "or add a sample: every open browser sees it."
            ),
            Row(
                Button("Add sample", "add_sample"),
                Button("Remove newest", "remove_newest"),
                Link("All demos", "/"),
            ),
            Row(
                Chart.scatter(
                    {
                        name: [(s.bill_length, s.body_mass) for s in by_species[name]]
                        for name in SPECIES
                    },
                    title="Bill length against body mass",
                    x_title="bill length (mm)",
                    y_title="body mass (g)",
                    watch=[Sample],
                ),
                Chart.bar(
                    {
                        "mean body mass (g)": [
                            round(fmean(s.body_mass for s in by_species[n]))
                            if by_species[n]
                            else None
                            for n in SPECIES
                        ]
                    },
                    x_labels=SPECIES,
                    title=f"Mean body mass of {len(samples)} samples",
                    watch=[Sample],
                ),
            ),
            Table(
                Sample.objects.all(),
                columns=["name", "species", "bill_length", "body_mass"],
                key="samples",
                per_page=10,
                caption="Samples",
                # A row written anywhere is sent alone, in its place (docs/data.md).
                stream=True,
            ),
        ]

    @event
    def add_sample(self) -> None:
        last = Sample.objects.order_by("-pk").first()
        number = int(last.name.removeprefix("P-")) + 1 if last is not None else 1
        m = measurement(number)
        Sample.objects.create(
            name=m.name, species=m.species, bill_length=m.bill_length, body_mass=m.body_mass
        )

    @event
    def remove_newest(self) -> None:
        last = Sample.objects.order_by("-pk").first()
        if last is not None:
            last.delete()
