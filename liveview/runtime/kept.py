# A page's kept state (what `kept` declares a component keeps across a reconnect): restored
# from the page token when a component mounts, and a renewed token signed when it changes.
from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

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
    last token (the one mounted from, or the last renewed): None when nothing changed."""
    token = page.mounted_from
    if token is None or not any(type(r.component).kept for r in page.records.values()):
        return None  # nothing kept on this page (every event asks: the common case is fast)
    changed = False
    specs = []
    for cid, spec in page.mount_args.items():
        comp = page.components.get(cid)
        if comp is None or not type(comp).kept:
            specs.append(spec)
            continue
        kept = kept_values(comp)
        text = _json(kept)
        changed = changed or text != page._kept_sent.get(cid, _json(spec.kept or {}))
        specs.append(replace(spec, kept=kept or None))
    if not changed:
        return None
    try:
        signed = token.renewed(tuple(specs)).sign()
    except TokenSigningError as exc:
        logger.warning("liveview: kept state not renewed: %s", exc)
        return None
    for spec in specs:
        if spec.kept is not None:
            page._kept_sent[spec.id] = _json(spec.kept)
    return signed


def _json(value: object) -> str:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)  # not JSON: signing the token says so
