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


#: Full diffs in a row that ended in the whole component (markup the diff cannot place, or
#: swaps as large as the whole) before the component's diffs are skipped ...
WHOLE_STREAK = 3
#: ... and then tried again once every this many renders (docs/updates.md).
RETRY_EVERY = 8


def fragment(comp: LiveComponent, previous: str | None, whole: str) -> str:
    """What to send for `comp`, whose content was `previous` in the browser and whose `whole`
    fragment (the component, out of band) was just rendered."""
    record = comp._lv
    inner = sent_html(comp)
    if previous is None or inner is None or not comp.partial_updates:
        record.text_slot = None
        return whole
    current = dialect.current()
    root_tag, any_context = comp.live_tag, current.partial_any_context
    fast = text_swap(record.text_slot, previous, inner, root_tag, any_context)
    if fast is not None:
        swap, record.text_slot = fast
        swaps: tuple[Swap, ...] | None = (swap,)
    elif record.whole_streak >= WHOLE_STREAK and record.whole_streak % RETRY_EVERY:
        record.whole_streak += 1  # its diffs keep ending whole: not worth reading the HTML
        record.text_slot = None
        return whole
    else:
        swaps = _full(record, previous, inner, root_tag, any_context)
    if swaps == ():  # nothing changed, but a frame is due
        return whole
    parts = "" if swaps is None else _markup(current, record.id, swaps)
    if swaps is None or len(parts) >= len(whole):  # only the whole is right, or as small
        record.whole_streak += 1
        return whole
    record.whole_streak = 0
    return parts


def _markup(current: dialect.Dialect, cid: str, swaps: tuple[Swap, ...]) -> str:
    return "".join(current.partial(s.style, s.selector(cid), s.content, s.tag) for s in swaps)


def _full(
    record: ComponentRecord, old: str, new: str, root_tag: str, any_context: bool
) -> tuple[Swap, ...] | None:
    """The full diff's swaps, keeping the slot of the text it found changed (if one text holds
    the change) for the fast path of the next render (liveview.runtime.text_slot)."""
    swaps = diff_cached(old, new, root_tag, any_context)
    record.text_slot = None
    kept = slot_after(old, new, root_tag, any_context) if swaps and old != new else None
    if kept is not None:  # maybe found for another page's equal HTML: this page's string
        record.text_slot = kept if kept[0] is new else (new, kept[1])
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
