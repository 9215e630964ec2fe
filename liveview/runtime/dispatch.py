# One event on a page: find the component and its @event handler, check access, coerce the
# arguments, run it (sync in Django's thread, async on the loop), then render what it touched.
from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import SynchronousOnlyOperation
from django.template.base import Template
from django_components.component import ComponentNode

from liveview.authoring import urlstate
from liveview.authoring.authz import may_call
from liveview.authoring.component import LiveComponent
from liveview.authoring.events import EventArgumentsError, EventHandler
from liveview.core.metrics import failed
from liveview.core.threads import in_sync_thread
from liveview.pubsub.publish import turn
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime import flash, notify, rollback
from liveview.runtime.address import address, navigated
from liveview.runtime.changes import apply_changes, catch_up
from liveview.runtime.render import component_template, redirect_element

if TYPE_CHECKING:
    from liveview.runtime.page import Page

logger = logging.getLogger("liveview")


@dataclass(frozen=True, slots=True)
class _Call:
    """An event ready to run: validated arguments and the state to roll back to."""

    comp: LiveComponent
    handler: EventHandler
    arguments: dict[str, Any]
    before: dict[str, Any]


def run_event(page: Page, cid: str, event: str, values: dict[str, Any]) -> str | None:
    """Run one event; the frame to send, or None when the component's HTML is unchanged."""
    if event == urlstate.URL_EVENT:  # back or forward: the page reads the address again
        return navigated(page, cid, values.get("url"))
    prepared = _prepare(page, cid, event, values)
    if not isinstance(prepared, _Call):
        return prepared
    failure: Exception | None = None
    with turn(page.key) as current:
        try:
            prepared.handler.func(prepared.comp, **prepared.arguments)
        except Exception as exc:
            failure = exc
    return _finish(page, prepared, failure, current.changes)


def _dispatch(page: Page, cid: str, event: str, values: dict[str, Any]) -> str | None:
    return page.dispatch(cid, event, values)


@functools.cache
def _in_thread() -> Callable[[Page, str, str, dict[str, Any]], Awaitable[str | None]]:
    """One hop wrapper for the process, made at the first event (one per page cost ~180 B of
    every open page)."""
    return in_sync_thread(_dispatch)


async def run_event_async(page: Page, cid: str, event: str, values: dict[str, Any]) -> str | None:
    """`dispatch` for the consumer: sync handlers and renders run in Django's sync thread,
    unless the handler is `@event(on_loop=True)` and the turn needs no database (`_on_loop`)."""
    comp = page.components.get(cid)
    handler = type(comp)._lv_events.get(event) if comp is not None else None
    if handler is None or comp is None:
        return await _in_thread()(page, cid, event, values)
    loop = handler.on_loop and _on_loop(comp)
    if not loop and not handler.is_async:
        # One thread hop per event, closing stale DB connections around it like a view.
        return await _in_thread()(page, cid, event, values)
    # An async handler runs on the loop; what may render (errors, the result) does not,
    # unless the whole turn may run there.
    if loop:
        prepared = _prepare(page, cid, event, values)
    else:
        prepared = await in_sync_thread(_prepare)(page, cid, event, values)
    if not isinstance(prepared, _Call):
        return prepared
    failure: Exception | None = None
    with turn(page.key) as current:
        try:
            if handler.is_async:
                await prepared.handler.func(prepared.comp, **prepared.arguments)
            else:
                prepared.handler.func(prepared.comp, **prepared.arguments)
        except Exception as exc:
            failure = exc
    if loop and isinstance(failure, SynchronousOnlyOperation):
        logger.error(
            "liveview: %s.%s is @event(on_loop=True) but touched the database; drop on_loop, "
            "or await Django's async ORM in an async def handler",
            type(prepared.comp).__name__,
            handler.name,
        )
    if loop and not current.changes and _quiet(page, prepared.comp):
        return _finish(page, prepared, failure, current.changes)
    return await in_sync_thread(_finish)(page, prepared, failure, current.changes)


def _on_loop(comp: LiveComponent) -> bool:
    """Whether an `on_loop` event's preparation needs no database: no permission to check,
    no change a broadcast left for it to apply or reload."""
    cls = type(comp)
    lv = comp._lv
    return not (cls.permission_required or lv.pending or lv.refresh_due or lv.lazy)


def _quiet(page: Page, comp: LiveComponent) -> bool:
    """Whether an `on_loop` handler left its reply nothing that may need the database: nothing
    of the page's (no notice, redirect or flash), and no child component that rendering it may
    mount (its mount() and its template are not the handler's)."""
    return (
        not page.reply_may_need_database()
        and not comp._lv.children  # in its last render (an `{% include %}`d template's too)
        and not _has_child_tags(type(comp))
    )


#: Whether a component template holds a `{% component %}` tag, by template (a new one under
#: DEBUG's autoreload is looked at again; weak: a template parsed again at each render, under
#: loaders without a cache, is not kept).
_child_tags: weakref.WeakKeyDictionary[Template, bool] = weakref.WeakKeyDictionary()


def _has_child_tags(cls: type[LiveComponent]) -> bool:
    """Whether the class's template holds a `{% component %}` tag, nested in block tags too
    (a child it may mount on its first render, or again with new arguments)."""
    try:
        template = component_template(cls)
    except Exception:  # the render says why, in the sync thread
        return True
    found = _child_tags.get(template)
    if found is None:
        found = _child_tags[template] = bool(template.nodelist.get_nodes_by_type(ComponentNode))
    return found


def _prepare(page: Page, cid: str, event: str, values: dict[str, Any]) -> _Call | str | None:
    comp = page.components.get(cid)
    if comp is None:
        logger.info("liveview: event %r for unknown component %r ignored", event[:64], cid[:64])
        return None
    if comp._lv.lazy:  # nothing to act on yet (no binding is rendered before its mount)
        return page._fail(comp, "This part is still loading.", None)
    handler = type(comp)._lv_events.get(event)
    if handler is None:
        return page._fail(comp, f"Unknown event {event[:64]!r}.", None)
    if not may_call(page.user, comp, handler):
        return page._fail(comp, f"You are not allowed to {event}.", None)
    try:
        arguments = handler.coerce(values)
    except EventArgumentsError as exc:
        return page._fail(comp, f"Invalid arguments for {event}: {exc}", None)
    notify.begin(page)  # before catch_up: the changes it applies may notify
    catch_up(comp)
    comp._lv.pristine = False
    comp._lv.url_note = None
    page.redirect_to = None
    page._url_asked = None
    return _Call(comp, handler, arguments, rollback.state_before(page, comp))


def _finish(
    page: Page, call: _Call, failure: Exception | None, changes: list[ResourceChanged]
) -> str | None:
    """The reply to one event: its component, and every component its changes or its
    notices touched, each rendered once.

    The changes the handler published are applied here, once, to every component of this
    page that shows them (the acting one included); the hub skips this page for them.
    """
    if failure is not None:
        cls, name = type(call.comp).__name__, call.handler.name
        failed("liveview: %s.%s failed", call.comp, failure, cls, name, event=name)
        call.comp.restore_state(call.before)
    touched: dict[LiveComponent, BaseException | None] = {}
    acted = False
    for comp, relevant in page.showing(changes):
        if comp is not call.comp:
            touched[comp] = apply_changes(comp, relevant)
        elif failure is None:
            failure = apply_changes(comp, relevant)
            acted = failure is None
    heard = notify.deliver(page) if failure is None else notify.discard(page)
    own = heard.pop(call.comp, None)
    parts: list[str | None]
    if failure is not None:
        message = f"Something went wrong in {call.handler.name}."
        parts = [page._fail(call.comp, message, failure)]
    elif own is not None:
        parts = [page._fail(call.comp, "Something went wrong while updating.", own)]
    else:
        parts = [page.rerender(call.comp, None if acted else call.before)]
    parts += page.render_touched(touched, heard)
    page._follow(call.comp, rendered=True)
    target = flash.carried(page, page.redirect_to, failed=failure is not None)
    page.redirect_to = None
    if target is not None and failure is None:
        parts.append(redirect_element(target))
    elif failure is None:
        parts.append(address(page))
    return "".join(p for p in parts if p) or None
