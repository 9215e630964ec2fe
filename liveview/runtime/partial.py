# A re-rendered component's fragment: the partial swaps liveview.runtime.diff finds against what
# the browser has, or the whole component when they would not be smaller or exactly right.
from __future__ import annotations

from typing import TYPE_CHECKING

from liveview.core import dialect
from liveview.runtime.diff import Swap, diff_cached
from liveview.runtime.text_slot import slot_after, text_swap

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.authoring.record import ComponentRecord
    from liveview.runtime.page import Page


def sent_html(comp: LiveComponent) -> str | None:
    """The component's content as the browser has it: the last inner HTML sent, or None when
    unknown (the one place that reads it)."""
    return comp._lv.html


def forget_sent(comp: LiveComponent) -> None:
    """The browser's copy of the component is no longer known: its next fragment is whole."""
    record = comp._lv
    record.html = record.text_slot = None


def fragment(comp: LiveComponent, previous: str | None, whole: str) -> str:
    """What to send for `comp`, whose content was `previous` in the browser and whose `whole`
    fragment (the component, out of band) was just rendered."""
    record = comp._lv
    inner = sent_html(comp)
    if previous is None or inner is None or not comp.partial_updates:
        record.text_slot = None
        return whole
    current = dialect.current()
    swaps = _swaps(record, previous, inner, comp.live_tag, current.partial_any_context)
    if not swaps:  # None: only the whole is right; []: nothing changed but the frame is due
        return whole
    cid = comp._lv.id
    parts = "".join(current.partial(s.style, s.selector(cid), s.content, s.tag) for s in swaps)
    return parts if len(parts) < len(whole) else whole


def _swaps(
    record: ComponentRecord, old: str, new: str, root_tag: str, any_context: bool
) -> tuple[Swap, ...] | None:
    """The diff's swaps: at once when only the text the last update changed changed again
    (liveview.runtime.text_slot), else from the full diff, keeping the changed text's slot."""
    fast = text_swap(record.text_slot, old, new, root_tag, any_context)
    if fast is not None:
        swap, record.text_slot = fast
        return (swap,)
    swaps = diff_cached(old, new, root_tag, any_context)
    record.text_slot = None
    if swaps and old != new:
        record.text_slot = slot_after(old, new, root_tag, any_context)
    return swaps


def sent_alone(page: Page, comp: LiveComponent) -> None:
    """A nested component's fragment went on its own: its ancestors' copies of it are stale,
    so their next fragments are whole."""
    cid = comp._lv.id
    while cid.count("-") > 1:
        cid = cid.rsplit("-", 1)[0]
        ancestor = page.components.get(cid)
        if ancestor is not None:
            forget_sent(ancestor)
