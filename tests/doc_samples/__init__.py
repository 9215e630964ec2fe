"""Reading the fenced code blocks of the README and docs/*.md, for the sample harness."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Fence:
    """One fenced block: its language, where it starts and its text (indent removed)."""

    doc: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


class UnclosedFence(ValueError):
    """A fence that is opened and never closed: the rest of the document would be code."""


def fences(doc: Path) -> list[Fence]:
    """Every fenced block of `doc`, in order; indented fences (in list items) included."""
    found: list[Fence] = []
    lines = doc.read_text().splitlines()
    i = 0
    while i < len(lines):
        opening = _OPEN.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        lang = opening["info"].strip().split(" ")[0]
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        if j == len(lines):
            raise UnclosedFence(f"{doc.relative_to(ROOT)}:{i + 1}: fence never closed")
        text = textwrap.dedent("\n".join(body))
        found.append(Fence(doc=doc, line=i + 1, lang=lang, text=text + "\n" if body else ""))
        i = j + 1
    return found


def documents() -> list[Path]:
    """README.md and every docs/*.md, sorted."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
