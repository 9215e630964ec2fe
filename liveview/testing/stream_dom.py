# The test client's half of streams (docs/streams.md): a frame's targeted parts (htmx 2's
# <template hx-swap-oob="beforeend:#id">, htmx 4's <hx-partial>), hx-preserve on a whole swap,
# and what the glue does after a frame (an item inserted again takes its old place; a limit).
from __future__ import annotations

from bs4 import BeautifulSoup, Tag

INSERTED = "data-lv-ins"


def targeted(soup: BeautifulSoup, part: Tag) -> str | None:
    """Apply `part` if it is a targeted part: the id it aimed at ("" if it is not in the page),
    or None when `part` is a plain element swapped by its id."""
    oob = part.get("hx-swap-oob")
    if part.name == "hx-partial":
        style, target = part.get("hx-swap"), part.get("hx-target")
    elif isinstance(oob, str) and ":" in oob:
        style, target = oob.split(":", 1)
    else:
        return None
    if not (isinstance(style, str) and isinstance(target, str) and target.startswith("#")):
        raise AssertionError(f"a targeted part the client cannot apply: {str(part)[:80]!r}")
    found = soup.find(id=target[1:])
    if not isinstance(found, Tag):
        return ""
    # Parsed again: bs4 keeps a <template>'s text as TemplateString, which get_text() skips.
    inner = BeautifulSoup(part.decode_contents(), "html.parser")
    children = [c.extract() for c in list(inner.contents)]
    if style == "delete":
        found.extract()
    elif style == "beforeend":
        for child in children:
            found.append(child)
    elif style == "innerHTML":  # a stream reset the page already shows
        found.clear()
        for child in children:
            found.append(child)
    elif style == "afterbegin":
        for child in reversed(children):
            found.insert(0, child)
    else:
        raise AssertionError(f"the client knows no swap {style!r}")
    return target[1:]


def keep_preserved(soup: BeautifulSoup, element: Tag) -> None:
    """As htmx does on a swap: an element marked hx-preserve stays as the page has it."""
    for new in element.select("[hx-preserve]"):
        ident = new.get("id")
        old = soup.find(id=ident) if isinstance(ident, str) else None
        if isinstance(old, Tag):
            new.replace_with(old.extract())


def settle(soup: BeautifulSoup) -> None:
    """What the glue does after each frame."""
    for item in soup.select(f"[{INSERTED}]"):
        del item[INSERTED]
        parent = item.parent
        if parent is None:
            continue
        for other in parent.find_all(True, recursive=False):
            if other is not item and other.get("id") == item.get("id"):
                other.replace_with(item.extract())
                break
    for box in soup.select("[data-lv-limit]"):
        limit = int(str(box["data-lv-limit"]))
        items = [c for c in box.children if isinstance(c, Tag)]
        extra = len(items) - abs(limit)
        if extra > 0:
            for gone in items[-extra:] if limit > 0 else items[:extra]:
                gone.extract()
