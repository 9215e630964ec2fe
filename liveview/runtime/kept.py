# A page's kept state (what `kept` declares a component keeps across a reconnect): restored
# from the page token when a component mounts, and a renewed token signed when it changes.
from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from liveview.authoring.component import LiveComponent
from liveview.authoring.keep import KeptStateError, apply_kept, kept_values
from liveview.core.metrics import failed
from liveview.core.token import ComponentSpec, TokenSigningError

if TYPE_CHECKING:
    from liveview.runtime.page import Page

logger = logging.getLogger("liveview")


def restore(page: Page, comp: LiveComponent, spec: ComponentSpec) -> None:
    """Apply the state the token kept for `comp` (what its last connection left)."""
    comp._lv.spec = spec
    if not type(comp).kept:
        return
    try:
        if spec.kept and apply_kept(comp, spec.kept):
            comp._lv.pristine = False
    except KeptStateError as exc:  # a token from before a deploy changed the types
        logger.info("liveview: kept state of %s ignored: %s", spec.id[:64], exc)
    except Exception as exc:  # the declaration's fault: mounted all the same, without it
        failed("liveview: restoring %s's kept state failed", comp, exc, type(comp).__name__)
    page._kept_sent[spec.id] = _json(kept_values(comp))


def renewed_token(page: Page) -> str | None:
    """A signed token for a reconnect when some component's kept state changed since the
    last token (the one mounted from, or the last renewed): None when nothing changed.

    Every event asks: unchanged (the common case), it costs one JSON text per component with
    `kept` state, compared with the one sent; the token is only made and signed on a change."""
    token = page.mounted_from
    if token is None:
        return None
    texts: dict[str, tuple[dict[str, Any], str]] = {}
    changed = False
    sent = page._kept_sent
    for cid, record in page.records.items():
        comp = record.component
        if not type(comp).kept:
            continue
        kept = kept_values(comp)
        text = _json(kept)
        texts[cid] = (kept, text)
        if not changed:
            last = sent.get(cid)
            if last is None:  # not restored from the token: what the token carries
                last = _json(record.spec.kept or {})
            changed = text != last
    if not changed:
        return None  # nothing kept on this page, or nothing kept changed
    specs = tuple(
        replace(record.spec, kept=texts[cid][0] or None) if cid in texts else record.spec
        for cid, record in page.records.items()
    )
    try:
        signed = token.renewed(specs).sign()
    except TokenSigningError as exc:
        logger.warning("liveview: kept state not renewed: %s", exc)
        return None
    for cid, (_, text) in texts.items():
        sent[cid] = text
    return signed


#: Kept state as JSON text, keys sorted (made once: json.dumps with options makes one per call).
_ENCODER = json.JSONEncoder(sort_keys=True)


def _json(value: object) -> str:
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError):
        return repr(value)  # not JSON: signing the token says so
