# One hub delivery, rendered: each page's frame for a batch of changes. A viewer-independent
# component shown on many pages with the same arguments at the same DOM id is rendered once; its
# twins take the HTML.
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from liveview.authoring.streams import has_streams
from liveview.pubsub import presence
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime import notify, partial
from liveview.runtime.changes import defer
from liveview.runtime.render import wrap

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page

ShareKey = tuple[type, str, str, str]


def share_key(comp: LiveComponent) -> ShareKey | None:
    """Components with equal keys render the same HTML after the same changes; None: unique."""
    record = comp._lv
    if not comp.viewer_independent or not record.pristine:
        return None
    if record.children or record.error is not None or has_streams(comp):
        return None  # a stream's changes are each page's own parts
    topics = record.topics  # a frozenset, replaced when it changes: checked once per value
    if topics is not record.share_topics:
        if any(t.startswith(presence.PREFIX) for t in topics):
            return None  # who is viewing shows names to some viewers only
        record.share_topics = topics
    cached = record.share_key
    if cached is None:
        kwargs = record.spec.kwargs
        # The id too: the inner HTML names it (hx-vals' "lv", ids such as "<id>-table-1-q").
        cached = (type(comp), record.spec.name, record.id, json.dumps(kwargs, sort_keys=True))
        record.share_key = cached
    return cached


def render_batch(
    batch: list[tuple[Page, list[ResourceChanged]]], quiet: list[bool] | None = None
) -> list[str | None]:
    """Each page's frame (None when nothing it shows changed), in the order of `batch`.

    `quiet`, when given, gets one flag per page: True when the page only took twins' HTML (no
    code of it ran: its topics, timers and components are as the last turn left them)."""
    rendered: dict[ShareKey, str] = {}
    # Twins share a DOM id (it is in the key) and so the same bytes: wrap them once.
    framed: dict[ShareKey, str] = {}
    # And, from the same HTML before and after, make the same partial fragment: once.
    made: dict[ShareKey, _Made] = {}
    frames: list[str | None] = []
    for page, changes in batch:
        parts: dict[str, str | None] = {}  # by DOM id: a notice's listener may replace one
        ran = False  # notices can only come from code of the page: begun before it runs
        for comp, relevant in page.showing(changes):
            key = share_key(comp)
            twin = rendered.get(key) if key is not None else None
            if key is not None and twin is not None:
                whole = framed.get(key) or wrap(comp, twin, oob=True)
                framed[key] = whole
                parts[comp._lv.id] = _adopt(page, comp, twin, relevant, whole, key, made)
                continue
            if not ran:
                ran = True
                notify.begin(page)
            parts[comp._lv.id] = page.update(comp, relevant)
            if key is not None and share_key(comp) == key and comp._lv.html is not None:
                rendered[key] = comp._lv.html
        if ran:
            notify.settle(page, parts)
        if quiet is not None:
            quiet.append(not ran)
        if len(parts) == 1:  # most pages: one component shows the change
            (only,) = parts.values()
            frames.append(only or None)
        else:
            frames.append("".join(p for p in parts.values() if p) or None)
    return frames


# What adopting a twin's HTML made of one page's copy: the copy before (its HTML, text slot,
# run of whole fragments and `partial_updates`), the fragment, and the slot and run after.
_Made = tuple[str, Any, int, bool, str | None, Any, int]


def _adopt(
    page: Page,
    comp: LiveComponent,
    inner: str,
    changes: list[ResourceChanged],
    whole: str,
    key: ShareKey,
    made: dict[ShareKey, _Made],
) -> str | None:
    """`Page.adopt`, but a twin whose browser copy is the same as the last twin's (the same
    HTML object, text slot and run) takes that twin's fragment instead of diffing again."""
    record = comp._lv
    previous = record.html
    if previous is None or record.error is not None or previous is inner:
        return page.adopt(comp, inner, changes, whole)
    slot, streak, partial_updates = record.text_slot, record.whole_streak, comp.partial_updates
    hit = made.get(key)
    if (
        hit is not None
        and hit[0] is previous
        and hit[1] is slot
        and hit[2] == streak
        and hit[3] == partial_updates
    ):
        # What fragments.adopt does for such a copy, its diff's outcome taken from the twin.
        defer(comp, changes)
        record.html = inner
        partial.sent_alone(page, comp)
        record.text_slot, record.whole_streak = hit[5], hit[6]
        return hit[4]
    fragment = page.adopt(comp, inner, changes, whole)
    if record.error is None and fragment is not None:  # None: nothing to send, nothing kept
        made[key] = (
            previous,
            slot,
            streak,
            partial_updates,
            fragment,
            record.text_slot,
            record.whole_streak,
        )
    return fragment


def frames_for(
    targets: dict[Any, list[ResourceChanged]], quiet: set[Any] | None = None
) -> dict[Any, str | None]:
    """Each target's frame (the hub's targets: turns, each with its `page`); `quiet`, when
    given, gets the targets whose page only took twins' HTML (see `render_batch`)."""
    pages = [(t, t.page) for t in targets if getattr(t, "page", None) is not None]
    flags: list[bool] | None = [] if quiet is not None else None
    frames = render_batch([(page, targets[t]) for t, page in pages], flags)
    if quiet is not None and flags is not None:
        for (t, _), q in zip(pages, flags, strict=True):
            if q:
                quiet.add(t)
    return {t: f for (t, _), f in zip(pages, frames, strict=True)}
