# A re-rendered component's fragment: the partial swaps liveview.runtime.diff finds against what
# the browser has, or the whole component when they would not be smaller or exactly right.
from __future__ import annotations

from typing import TYPE_CHECKING

from liveview.core import dialect
from liveview.runtime.diff import diff_cached

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page


def sent_html(comp: LiveComponent) -> str | None:
    """The component's content as the browser has it: the last inner HTML sent, or None when
    unknown (the one place that reads it)."""
    return comp._lv.html


def forget_sent(comp: LiveComponent) -> None:
    """The browser's copy of the component is no longer known: its next fragment is whole."""
    comp._lv.html = None


def fragment(comp: LiveComponent, previous: str | None, whole: str) -> str:
    """What to send for `comp`, whose content was `previous` in the browser and whose `whole`
    fragment (the component, out of band) was just rendered."""
    inner = sent_html(comp)
    if previous is None or inner is None or not comp.partial_updates:
        return whole
    current = dialect.current()
    swaps = diff_cached(previous, inner, comp.live_tag, current.partial_any_context)
    if not swaps:  # None: only the whole is right; []: nothing changed but the frame is due
        return whole
    cid = comp._lv.id
    parts = "".join(current.partial(s.style, s.selector(cid), s.content, s.tag) for s in swaps)
    return parts if len(parts) < len(whole) else whole


def sent_alone(page: Page, comp: LiveComponent) -> None:
    """A nested component's fragment went on its own: its ancestors' copies of it are stale,
    so their next fragments are whole."""
    cid = comp._lv.id
    while cid.count("-") > 1:
        cid = cid.rsplit("-", 1)[0]
        ancestor = page.components.get(cid)
        if ancestor is not None:
            forget_sent(ancestor)
