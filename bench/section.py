"""What a benchmark scenario hands back to the runner (``python -m bench``): one ``Section``.

A section is one part of ``docs/benchmarks.md``: a title, the command that reruns the scenario
alone, a table of figures (each figure next to its baseline measured in the same run), and a
verdict against the scenario's target. See ``bench/__main__.py`` for how to add a scenario.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Section:
    #: The scenario's name: its placeholder in ``bench/benchmarks.template.md``.
    name: str
    title: str
    #: The command that reruns this scenario alone, as a user types it in the repo's root.
    command: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    #: One sentence: the figure against its target, e.g. "28.1 KiB per connection (≤ 30 KB)".
    verdict: str
    #: Whether the target was met; None where the scenario has no target.
    met: bool | None
    notes: Sequence[str] = ()
    #: Filled in by the runner: seconds taken, load average (1 min) at the start and the end.
    seconds: float = 0.0
    load: tuple[float, float] = field(default=(0.0, 0.0))

    def markdown(self) -> str:
        lines = ["```console", f"$ {self.command}", "```", ""]
        lines += [table(self.columns, self.rows), ""]
        lines.append(f"**{status(self.met)}**: {self.verdict}")
        lines.append("")
        for note in self.notes:
            lines.append(f"- {note}")
        if self.notes:
            lines.append("")
        lines.append(
            f"_Took {self.seconds:.0f} s; load average {self.load[0]:.2f} at the start,"
            f" {self.load[1]:.2f} at the end._"
        )
        return "\n".join(lines)


def status(met: bool | None) -> str:
    return {True: "Target met", False: "Target missed", None: "No target"}[met]


def table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row of {len(row)} cells under {len(columns)} columns: {row}")
        out.append("| " + " | ".join(row) + " |")
    return "\n".join(out)


def load1() -> float:
    return os.getloadavg()[0]


def kib(n_bytes: float) -> str:
    return f"{n_bytes / 1024:,.1f} KiB"
