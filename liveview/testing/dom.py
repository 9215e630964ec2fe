# The test client's copy of the page: parsed once, then every frame the server sends applied to
# it as htmx applies it (each top-level element replaces the element with its id), and read back.
from __future__ import annotations

import re
import warnings
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag
from bs4.element import Comment, NavigableString

from liveview.authoring.urlstate import URL_ID
from liveview.core.dialect import DIALECTS
from liveview.runtime.render import EPOCH_ID, REDIRECT_ID, read_ack
from liveview.testing import stream_dom


class LiveTestError(AssertionError):
    """What a test asked of the page cannot be done: nothing matches, nothing is live there."""


def parse(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # A short frame can look like a file name to BeautifulSoup; it is always markup here.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "html.parser")


def text_of(element: Tag) -> str:
    """The element's text as a reader sees it: whitespace runs collapsed to one space."""
    return " ".join(element.get_text(" ").split())


class Document:
    """A page's DOM, kept current with the frames its socket receives."""

    def __init__(self, html: str) -> None:
        self.soup = parse(html)
        body = self.soup.body or self.soup
        # The glue adds this element on load; a handler's redirect fills its data-url.
        if self.soup.find(id=REDIRECT_ID) is None:
            body.append(self.soup.new_tag("div", attrs={"id": REDIRECT_ID, "hidden": ""}))
        if self.soup.find(id=URL_ID) is None:  # the glue's too: a frame sets the address there
            body.append(self.soup.new_tag("div", attrs={"id": URL_ID, "hidden": ""}))
        #: Address changes frames asked for, not yet taken: (URL, "push" or "replace").
        self.addresses: list[tuple[str, str]] = []
        #: Where a frame's redirect element sent the browser, if one did.
        self.redirect: str | None = None
        #: The field the user is typing in: (its id, or its component's id and its name).
        self._focus: tuple[str, str] | None = None
        #: The last acknowledgement comment a frame ended with: (the page's epoch then, seq).
        self._acked = ("", 0)

    def focus(self, element: Tag) -> None:
        """The user is in `element`: a swap keeps what they typed there, as the browser does
        (htmx 4 morphs the field in place; under htmx 2 the glue puts the text back)."""
        ident = element.get("id")
        if isinstance(ident, str):
            self._focus = (ident, "")
            return
        owner = element.find_parent(attrs={"data-lv": True})
        name = element.get("name")
        owner_id = owner.get("id") if owner is not None else None
        if isinstance(owner_id, str) and isinstance(name, str):
            self._focus = (owner_id, name)
        else:
            self._focus = None

    def _focused(self) -> Tag | None:
        if self._focus is None:
            return None
        ident, name = self._focus
        found = self.soup.find(id=ident)
        if not isinstance(found, Tag) or not name:
            return found if isinstance(found, Tag) else None
        inner = found.find(None, {"name": name})
        return inner if isinstance(inner, Tag) else None

    # -- applying frames -------------------------------------------------------------------

    def apply(self, frame: str) -> list[str]:
        """Swap each top-level element of `frame` in by id; the ids swapped, in order.

        As htmx's out-of-band swap does, an element whose id is not in the page is dropped.
        """
        swapped: list[str] = []
        focused = self._focused()
        kept = _typed(focused) if focused is not None else None
        parsed = parse(frame)
        _check_out_of_band(parsed)
        for element in [c for c in parsed.children if isinstance(c, Tag)]:
            if element.name == "template" or (
                element.name == "hx-partial" and element.get("hx-swap") == "delete"
            ):  # a stream's part (htmx 2's <template>, or a delete): docs/streams.md
                aimed = stream_dom.targeted(self.soup, element)
                swapped += [aimed] if aimed else []
                continue
            partial = _partial(element)
            if partial is not None:
                style, selector = partial
                if self._swap_partial(element, style, selector):
                    swapped.append(re.split(r"[> ]", selector, maxsplit=1)[0].lstrip("#"))
                continue
            ident = element.get("id")
            if not isinstance(ident, str):
                continue
            target = self.soup.find(id=ident)
            if not isinstance(target, Tag):
                continue
            element.extract()
            stream_dom.keep_preserved(self.soup, element)
            del element["hx-swap-oob"]  # whichever swap: morph and replace look alike here
            target.replace_with(element)
            swapped.append(ident)
        stream_dom.settle(self.soup)
        if kept is not None:
            now = self._focused()
            if now is not None and now is not focused:
                _retype(now, kept)
        self._follow_redirect()
        self._take_address()
        self._take_ack(frame)
        return swapped

    def _take_ack(self, frame: str) -> None:
        """As the glue does: the comment counts in the epoch the page has once it is applied."""
        seq = read_ack(frame)
        if seq is not None:
            epoch, known = self._acked
            if epoch != self.epoch or seq > known:
                self._acked = (self.epoch, seq)

    def _swap_partial(self, element: Tag, style: str, selector: str) -> bool:
        """One partial swap (docs/updates.md): `element`'s content put at `selector`."""
        targets = self.select(selector)
        if len(targets) != 1:
            return False  # the server aims at exactly one element
        target = element.extract()
        stream_dom.keep_preserved(self.soup, element)  # htmx keeps them in these swaps too
        if element.name != "hx-partial" and style == "outerHTML":  # htmx 2: the element itself
            del element["hx-swap-oob"]
            targets[0].replace_with(element)
            return True
        nodes = list(element.contents)
        for node in nodes:
            node.extract()
        place = targets[0]
        if style in ("innerHTML", "innerMorph"):
            place.clear()
            place.extend(nodes)
        elif style in ("outerHTML", "outerMorph"):
            place.replace_with(*nodes)
        elif style == "beforeend":
            place.extend(nodes)
        elif style == "afterbegin":
            for at, node in enumerate(nodes):
                place.insert(at, node)
        else:
            raise LiveTestError(f"a partial swap of an unknown style {style!r}")
        return target is not None

    def _take_address(self) -> None:
        element = self.soup.find(id=URL_ID)
        if isinstance(element, Tag):
            url, mode = element.get("data-url"), element.get("data-mode")
            if isinstance(url, str) and url:
                del element["data-url"]  # as the glue does before it changes the address
                self.addresses.append((url, mode if isinstance(mode, str) else "push"))

    def _follow_redirect(self) -> None:
        element = self.soup.find(id=REDIRECT_ID)
        if isinstance(element, Tag):
            url = element.get("data-url")
            if isinstance(url, str) and url:
                del element["data-url"]  # as the glue does before it goes there
                self.redirect = url

    @property
    def epoch(self) -> str:
        element = self.soup.find(id=EPOCH_ID)
        value = element.get("data-v") if isinstance(element, Tag) else None
        return value if isinstance(value, str) else ""

    @property
    def ack(self) -> int:
        """The `lv_seq` of the last event the server acknowledged in this epoch: the larger of
        the epoch element's `data-ack` and the last acknowledgement comment's (docs/events.md)."""
        element = self.soup.find(id=EPOCH_ID)
        shown = element.get("data-ack") if isinstance(element, Tag) else None
        ack = int(shown) if isinstance(shown, str) and shown.isdigit() else 0
        epoch, seq = self._acked
        return max(ack, seq) if epoch == self.epoch else ack

    # -- reading ---------------------------------------------------------------------------

    def select(self, selector: str) -> list[Tag]:
        try:
            return list(self.soup.select(selector))
        except Exception as exc:  # soupsieve's SelectorSyntaxError, and friends
            raise LiveTestError(f"bad CSS selector {selector!r}: {exc}") from None

    def one(self, selector: str) -> Tag:
        found = self.select(selector)
        if not found:
            raise LiveTestError(f"nothing on the page matches {selector!r}")
        return found[0]

    def field(self, field: str) -> Tag:
        """A form control by the exact text of its <label>, else by CSS selector."""
        for label in self.soup.find_all("label"):
            if text_of(label) != field:
                continue
            target = label.get("for")
            control = (
                self.soup.find(id=target)
                if isinstance(target, str)
                else label.find(["input", "select", "textarea"])
            )
            if isinstance(control, Tag):
                return control
            raise LiveTestError(f"the label {field!r} labels no form control")
        try:
            return self.one(field)
        except LiveTestError:
            raise LiveTestError(
                f"no form control labelled {field!r}, and nothing matches it as a CSS selector"
            ) from None

    def by_text(self, selector: str | None, text: str | None) -> Tag:
        """The first element matching `selector` whose text is `text` (either may be None).

        With a text, the innermost such element wins: the button, not the form around it.
        """
        candidates = self.select(selector or "*")
        if text is None:
            if not candidates:
                raise LiveTestError(f"nothing on the page matches {selector!r}")
            return candidates[0]
        matching = [c for c in candidates if _shows(c, text)]
        if not matching:
            where = f" among {selector!r}" if selector else ""
            raise LiveTestError(f"no element with the text {text!r}{where}")
        inner = [m for m in matching if not any(o is not m and _inside(o, m) for o in matching)]
        # What a user would click: a button or link (or what is inside one) before plain text.
        return sorted(inner, key=lambda e: not _clickable(e))[0]


def _partial(element: Tag) -> tuple[str, str] | None:
    """(style, selector) of a partial swap: htmx 4's <hx-partial>, htmx 2's
    hx-swap-oob="style:selector"; None for a swap by id."""
    if element.name == "hx-partial":
        return str(element.get("hx-swap", "innerHTML")), str(element.get("hx-target", ""))
    oob = element.get("hx-swap-oob")
    if isinstance(oob, str) and ":" in oob:
        style, selector = oob.split(":", 1)
        return style, selector
    return None


def _check_out_of_band(frame: BeautifulSoup) -> None:
    """A frame is out-of-band parts only: htmx 4.0.x swaps whatever else it holds into <body>."""
    for node in frame.children:
        if isinstance(node, Tag) and not (
            node.has_attr("hx-swap-oob") or node.name == "hx-partial"
        ):
            raise LiveTestError(f"a frame's <{node.name}> has no hx-swap-oob: {str(node)[:80]!r}")
        if isinstance(node, NavigableString) and not isinstance(node, Comment) and node.strip():
            raise LiveTestError(f"a frame has text outside its elements: {node.strip()[:80]!r}")


def _shows(element: Tag, text: str) -> bool:
    if text_of(element) == text:
        return True
    # A submit input shows its value; an image button its alt text.
    return element.name == "input" and text in (element.get("value"), element.get("alt"))


_CLICKABLE = frozenset({"button", "a", "input", "label", "select", "summary", "option"})
_SEND_ATTRS = tuple(d.send_attr for d in DIALECTS.values())


def _clickable(element: Tag) -> bool:
    chain = [element, *element.parents]
    return any(
        isinstance(e, Tag)
        and (e.name in _CLICKABLE or any(e.has_attr(send) for send in _SEND_ATTRS))
        for e in chain
    )


def _inside(inner: Tag, outer: Tag) -> bool:
    return any(parent is outer for parent in inner.parents)


def attr(element: Tag, name: str) -> str | None:
    value: Any = element.get(name)
    if value is None:
        return None
    return " ".join(value) if isinstance(value, list) else str(value)


def _typed(element: Tag) -> str | None:
    if element.name == "textarea":
        return element.get_text()
    if element.name == "input" and element.get("type") not in ("checkbox", "radio"):
        value = element.get("value")
        return value if isinstance(value, str) else ""
    return None


def _retype(element: Tag, text: str) -> None:
    if element.name == "textarea":
        element.string = text
    elif element.name == "input":
        element["value"] = text
