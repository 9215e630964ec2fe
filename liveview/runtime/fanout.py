# One hub delivery, rendered: each page's frame for a batch of changes. A viewer-independent
# component shown on many pages with the same arguments at the same DOM id is rendered once; its
# twins take the HTML.
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from liveview.authoring.streams import has_streams
from liveview.pubsub import presence
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime import notify
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


def render_batch(batch: list[tuple[Page, list[ResourceChanged]]]) -> list[str | None]:
    """Each page's frame (None when nothing it shows changed), in the order of `batch`."""
    rendered: dict[ShareKey, str] = {}
    # Twins share a DOM id (it is in the key) and so the same bytes: wrap them once.
    framed: dict[ShareKey, str] = {}
    frames: list[str | None] = []
    for page, changes in batch:
        parts: dict[str, str | None] = {}  # by DOM id: a notice's listener may replace one
        notify.begin(page)
        for comp, relevant in page.showing(changes):
            key = share_key(comp)
            twin = rendered.get(key) if key is not None else None
            if key is not None and twin is not None:
                whole = framed.get(key) or wrap(comp, twin, oob=True)
                framed[key] = whole
                parts[comp._lv.id] = page.adopt(comp, twin, relevant, whole)
                continue
            parts[comp._lv.id] = page.update(comp, relevant)
            if key is not None and share_key(comp) == key and comp._lv.html is not None:
                rendered[key] = comp._lv.html
        notify.settle(page, parts)
        frames.append("".join(p for p in parts.values() if p) or None)
    return frames


def frames_for(targets: dict[Any, list[ResourceChanged]]) -> dict[Any, str | None]:
    pages = [(t, t.page) for t in targets if getattr(t, "page", None) is not None]
    frames = render_batch([(page, targets[t]) for t, page in pages])
    return {t: f for (t, _), f in zip(pages, frames, strict=True)}
