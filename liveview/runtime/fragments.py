# A component rendered for its page: the whole fragment (keeping what was sent, dropping the
# children it no longer renders), a re-render as partial swaps or nothing, a twin's HTML taken
# for a broadcast, an error shown in the component.
from __future__ import annotations

from time import perf_counter
from typing import TYPE_CHECKING, Any

from django.core.exceptions import SynchronousOnlyOperation

from liveview.core.metrics import failed, rendered
from liveview.runtime import partial, streams
from liveview.runtime.changes import defer
from liveview.runtime.render import Handle, error_banner, failure_text, render_inner, wrap

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.pubsub.resources import ResourceChanged
    from liveview.runtime.page import Page


def render(page: Page, comp: LiveComponent, *, oob: bool) -> str:
    """The component's whole fragment (out of band for the socket); what it holds is kept as
    what the browser will have."""
    record = comp._lv
    record.laid_out = None  # this render says it again, if it knows
    if record.lazy:
        return wrap(comp, (record.error or "") + comp.placeholder(), oob=oob, busy=True)
    handle = Handle(comp)
    started = perf_counter()
    note = record.url_note or ""
    inner = (record.error or note) + render_inner(comp, handle)
    rendered(comp, perf_counter() - started)
    record.html = streams.as_kept(comp, inner)
    if handle.children < record.children:
        _forget_children(page, record.id, keep=handle.children)
    record.children = handle.children
    if oob:
        partial.sent_alone(page, comp)
    return wrap(comp, inner, oob=oob)


def _forget_children(page: Page, cid: str, keep: int) -> None:
    """Drop the children (and their descendants) a parent no longer renders."""
    prefix = cid + "-"
    for key in [k for k in page.records if k.startswith(prefix)]:
        if int(key[len(prefix) :].split("-", 1)[0]) > keep and page.records.pop(key).topics:
            page.topics_changed = True


def render_guarded(page: Page, comp: LiveComponent) -> str:
    """`render` out of band, or the component with the error that stopped it."""
    try:
        return render(page, comp, oob=True)
    except Exception as exc:
        record = comp._lv
        failed("liveview: rendering %s (%s) failed", comp, exc, record.spec.name, record.id)
        record.error = error_banner(failure_text("Could not render", exc), exc)
        return wrap(comp, record.error, oob=True)


def rerender(page: Page, comp: LiveComponent, before: dict[str, Any] | None = None) -> str | None:
    """The component again after a change: the partial swaps (or the whole) that turn what the
    browser has into it, then its stream changes; None when nothing changed. A failed render
    shows its error, with the state put back to `before` when given."""
    record = comp._lv
    previous, previous_error = partial.sent_html(comp), record.error
    record.error = None
    try:
        html = render(page, comp, oob=True)
    except Exception as exc:
        message = "liveview: rendering %s failed"
        if isinstance(exc, SynchronousOnlyOperation):  # only the loop raises it
            message += " on the event loop (an @event(on_loop=True) reply): it read the database"
        failed(message, comp, exc, type(comp).__name__)
        if before is not None:
            comp.restore_state(before)
        return fail(page, comp, "Something went wrong while rendering.", exc)
    parts = streams.flush(comp)  # the stream changes made since: after the component
    reset = streams.was_reset(comp)  # a stream shown in full: only the whole carries it
    if record.html == previous and not reset and previous_error is None:
        return parts or None
    known = previous if previous_error is None and not reset else None
    return partial.fragment(comp, known, html) + parts


def adopt(
    page: Page,
    comp: LiveComponent,
    inner: str,
    changes: list[ResourceChanged],
    framed: str | None = None,
) -> str | None:
    """Take a twin's fresh HTML for a broadcast; the changes reach the state when next used.

    `framed`: `inner` already wrapped for a component of the same class, name and DOM id.
    """
    defer(comp, changes)
    previous = partial.sent_html(comp)
    record = comp._lv
    if inner == previous and record.error is None:
        return None
    record.html = inner
    partial.sent_alone(page, comp)
    whole = framed if framed is not None else wrap(comp, inner, oob=True)
    return partial.fragment(comp, previous if record.error is None else None, whole)


def fail(page: Page, comp: LiveComponent, message: str, exc: BaseException | None) -> str:
    """The component with `message` (and `exc`, under DEBUG) shown in it; its pending stream
    changes dropped."""
    record = comp._lv
    record.error = error = error_banner(message, exc)
    streams.discard(comp)
    try:
        return render(page, comp, oob=True)
    except Exception as render_exc:
        failed("liveview: rendering %s failed", comp, render_exc, type(comp).__name__)
        return wrap(comp, error + (record.html or ""), oob=True)
