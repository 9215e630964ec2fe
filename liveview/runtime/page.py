# A page's live components: mounted on the HTTP render (where the token is made) and again
# on every socket connect (from the token), then driven event by event.
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured

from liveview.authoring.authz import check_component
from liveview.authoring.component import LiveComponent, component_class
from liveview.authoring.live import Live
from liveview.authoring.record import ComponentRecord
from liveview.authoring.urlstate import HistoryMode
from liveview.core.metrics import failed
from liveview.core.redirects import safe_redirect
from liveview.core.threads import in_sync_thread
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.pubsub import presence
from liveview.pubsub.resources import ResourceChanged, Subscription, topics_of
from liveview.runtime import flash, fragments, kept, notify
from liveview.runtime.address import checked_url, navigated, read_url
from liveview.runtime.changes import apply_changes
from liveview.runtime.dispatch import run_event, run_event_async
from liveview.runtime.notify import Mailbox
from liveview.runtime.record_view import RecordView
from liveview.runtime.render import Handle, error_banner, failure_text
from liveview.runtime.timers import Timer, schedule

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from liveview.runtime.rollback import Ready

logger = logging.getLogger("liveview")

#: `in_sync_thread` is public here (docs/api.md), where it has always been imported from.
__all__ = ["Handle", "Page", "in_sync_thread", "page_of"]


def page_of(comp: LiveComponent) -> Page:
    """The page `comp` lives on, as the runtime drives it (`self.live` is what the component
    itself sees of it): for the batteries, which act for a component on its page."""
    return comp._lv.page


@dataclass(eq=False)
class Page:
    """The live components of one page, for one HTTP render or one socket connection."""

    user: User | AnonymousUser | None = None
    csrf_token: str | None = None
    connected: bool = False
    #: What the framework keeps about each component, by DOM id (the component in it).
    records: dict[str, ComponentRecord] = field(default_factory=dict)
    sealed: bool = False
    #: Identifies this page as the origin of the changes its own events make.
    key: str = field(default_factory=lambda: secrets.token_hex(8))
    #: Some component's subscriptions changed since the socket last followed them.
    topics_changed: bool = False
    #: The host (with its port) the page was served from, and whether over https: where
    #: `redirect` may send the browser.
    host: str = ""
    secure: bool = False
    #: Where the current event's handler asked the browser to go (sent after its frame).
    redirect_to: str | None = None
    #: The page's address as the browser shows it (path and query), for `url_state`: the
    #: request's on the HTTP render, the glue's on a connect; None when unknown.
    url: str | None = None
    #: The token this connection was mounted from, renewed when kept state changes.
    mounted_from: PageToken | None = None
    #: How many turns of its socket have started (liveview.runtime.turn counts them).
    turns: int = 0
    #: The copy of a component's state its next event rolls back to (liveview.runtime.rollback).
    rollback: Ready | None = None
    _top: int = 0
    #: The notices of the turn under way (liveview.notify), made when first needed.
    _mailbox: Mailbox | None = None
    #: One-shot timers pending (liveview.timers), made when first needed.
    _timers: list[Timer] | None = None
    #: The messages the turn under way flashed (liveview.flash), for a redirect ending it.
    _flashed: list[dict[str, Any]] | None = None
    #: Each component's kept state as the newest token sent carries it (JSON text).
    _kept_sent: dict[str, str] = field(default_factory=dict)
    #: What the current event's handler asked of the address: (a URL or None, push/replace).
    _url_asked: tuple[str | None, HistoryMode] | None = None
    #: What its components see of it as `self.live`.
    live: Live = field(init=False, repr=False)
    #: The components, and the specs they were mounted from, by DOM id: views of `records`.
    components: Mapping[str, LiveComponent] = field(init=False, repr=False)
    mount_args: Mapping[str, ComponentSpec] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.live = Live(self)
        self.components = RecordView(self.records, attrgetter("component"))
        self.mount_args = RecordView(self.records, attrgetter("spec"))

    # -- mounting ---------------------------------------------------------------------------

    def next_top_id(self) -> str:
        self._top += 1
        return f"lv-{self._top}"

    def mount(self, name: str, cid: str, kwargs: dict[str, Any]) -> LiveComponent:
        if self.sealed:
            raise ImproperlyConfigured(
                f"live component {name!r} rendered after {{% liveview_scripts %}}: "
                "put {% liveview_scripts %} at the end of <body>, after every live component"
            )
        cls = component_class(name)
        check_component(cls, self.user)
        record = self.new_record(ComponentSpec(name=name, id=cid, kwargs=kwargs))
        if cls.lazy and not self.connected:  # the HTTP render: its socket mounts it
            comp = cls.unmounted(record)
            record.lazy = True
        else:
            comp = cls.new_live(record)
            if cls.url_state and self.url:
                read_url(comp, self.url)
        self.records[cid] = record
        if self.connected:
            self._follow(comp)
        return comp

    def new_record(self, spec: ComponentSpec) -> ComponentRecord:
        """A record of this page for the component `spec` describes (kept once it mounts)."""
        return ComponentRecord(self, spec)

    def child(self, name: str, cid: str, kwargs: dict[str, Any]) -> LiveComponent:
        """The child at `cid`: kept when its parent passes the same arguments, else remounted."""
        record = self.records.get(cid)
        if record is not None and (record.spec.name, record.spec.kwargs) == (name, kwargs):
            return record.component
        return self.mount(name, cid, kwargs)

    def mount_token(self, token: PageToken) -> None:
        for spec in token.components:  # refused as a whole, before anything mounts
            check_component(component_class(spec.name), self.user)
        self.mounted_from = token
        for spec in token.components:
            cls = component_class(spec.name)  # an unknown name refuses the whole socket
            if cls.lazy:  # mounted by mount_lazy, once the first frame has gone
                record = self.new_record(spec)
                cls.unmounted(record)
                record.lazy = True
                self.records[spec.id] = record
                continue
            self._mount_spec(cls, spec)

    def _mount_spec(self, cls: type[LiveComponent], spec: ComponentSpec) -> LiveComponent:
        try:
            comp = self.mount(spec.name, spec.id, dict(spec.kwargs))
            kept.restore(self, comp, spec)
        except Exception as exc:  # mount failed on reconnect: show it in the component
            record = self.new_record(spec)
            comp = cls.unmounted(record)
            failed("liveview: mounting %s (%s) failed", comp, exc, spec.name, spec.id)
            record.error = error_banner(failure_text("Could not load", exc), exc)
            record.pristine = False
            self.records[spec.id] = record
        return comp

    def mount_lazy(self) -> str:
        """Mount the lazy components still showing their placeholder: their full renders (a
        failed mount shows its error in the component)."""
        frames = []
        for cid, record in list(self.records.items()):
            if record.lazy and self.records.get(cid) is record:
                cls = type(record.component)
                frames.append(fragments.render_guarded(self, self._mount_spec(cls, record.spec)))
        return "".join(frames)

    def top_level(self) -> list[LiveComponent]:
        return [c for cid, c in self.components.items() if cid.count("-") == 1]

    # -- rendering --------------------------------------------------------------------------

    def render(self, comp: LiveComponent, *, oob: bool) -> str:
        """The component's whole fragment (out of band for the socket)."""
        return fragments.render(self, comp, oob=oob)

    def render_all(self) -> str:
        """Every top-level component, out of band: what a (re)connect sends."""
        return "".join(fragments.render_guarded(self, comp) for comp in self.top_level())

    def rerender(self, comp: LiveComponent, before: dict[str, Any] | None = None) -> str | None:
        """The component again after a change: its fragment, or None when nothing changed."""
        return fragments.rerender(self, comp, before)

    def adopt(
        self,
        comp: LiveComponent,
        inner: str,
        changes: list[ResourceChanged],
        framed: str | None = None,
    ) -> str | None:
        """Take a twin's fresh HTML for a broadcast (`liveview.runtime.fragments.adopt`)."""
        return fragments.adopt(self, comp, inner, changes, framed)

    def _fail(self, comp: LiveComponent, message: str, exc: BaseException | None) -> str:
        return fragments.fail(self, comp, message, exc)

    # -- events -----------------------------------------------------------------------------

    def dispatch(self, cid: str, event: str, values: dict[str, Any]) -> str | None:
        """Run one event; the frame to send, or None when the component's HTML is unchanged."""
        return run_event(self, cid, event, values)

    async def dispatch_async(self, cid: str, event: str, values: dict[str, Any]) -> str | None:
        """`dispatch` for the consumer: in Django's sync thread, or on the loop for an
        `@event(on_loop=True)` turn that needs no database (liveview.runtime.dispatch)."""
        return await run_event_async(self, cid, event, values)

    def refuse(self, cid: str, message: str) -> str | None:
        """Say in the component why its event was not run (nothing else changes)."""
        comp = self.components.get(cid)
        return self._fail(comp, message, None) if comp is not None else None

    def render_touched(
        self,
        updated: dict[LiveComponent, BaseException | None],
        heard: dict[LiveComponent, BaseException | None],
    ) -> list[str | None]:
        """Each component a turn updated (changes applied) or that heard a notice, rendered
        once: its fragment, an error in it for what failed, or None when its HTML is the same."""
        parts: list[str | None] = []
        for comp in {**updated, **heard}:
            if (exc := updated.get(comp)) is not None:
                parts.append(self._fail(comp, failure_text("Could not update", exc), exc))
            elif (exc := heard.get(comp)) is not None:
                parts.append(self._fail(comp, "Something went wrong while updating.", exc))
            else:
                parts.append(self.rerender(comp))
        return parts

    # -- messages between components ---------------------------------------------------------

    @property
    def mailbox(self) -> Mailbox:
        if self._mailbox is None:
            self._mailbox = Mailbox()
        return self._mailbox

    def notify(self, name: str, /, **payload: Any) -> None:
        """Tell every component of this page that listens to `name` (``@listens(name)``), with
        `payload` as keyword arguments, once the current event, timer or tick has run."""
        notify.send(self, name, payload)

    def send_to(self, target: LiveComponent | str, name: str, /, **payload: Any) -> None:
        """`notify`, for one component (or its DOM id) or the components registered as `target`."""
        if isinstance(target, LiveComponent) and target._lv.page is not self:
            raise TypeError(f"send_to: {type(target).__name__} is a component of another page")
        to = target._lv.id if isinstance(target, LiveComponent) else target
        notify.send(self, name, payload, to)

    def is_mine(self, change: ResourceChanged) -> bool:
        """Whether one of this page's own events made `change` (its key is the change's origin)."""
        return change.origin is not None and change.origin == self.key

    def after(self, seconds: float, handler: Callable[..., Any], /, **kwargs: Any) -> Timer:
        """Call `handler` (a method of a component of this page, like ``self.dismiss``) with
        `kwargs` once, `seconds` from now, in the page's turn; cancelled when the socket closes."""
        return schedule(self, seconds, handler, kwargs)

    @property
    def timers(self) -> list[Timer]:
        """The one-shot timers pending, soonest first."""
        return sorted(self._timers or (), key=lambda t: t.due)

    def flash(self, text: object, level: int = messages.INFO, extra_tags: str = "") -> None:
        """Show `text` to this page's user in ``{% live_messages %}`` (Django's message levels
        and tags); when the turn ends with `redirect`, the next page shows it instead."""
        flash.flash(self, text, level, extra_tags)

    def present(self, target: Subscription) -> presence.Presence:
        """Who is viewing `target` (listed as `presence_of(target)` in a subscriptions()):
        this page's viewer included; names only when this page's user is logged in."""
        return presence.present(self, target)

    # -- redirects --------------------------------------------------------------------------

    def redirect(self, url: str) -> None:
        """Send the browser to `url` once this event's frame is swapped in.

        Only same-site targets (and ``LIVEVIEW_REDIRECT_ALLOWED_HOSTS``): anything else raises
        UnsafeRedirect, and the event fails like any handler error.
        """
        self.redirect_to = safe_redirect(url, host=self.host, require_https=self.secure)

    # -- the address (url_state) ---------------------------------------------------------------

    def push_url(self, url: str | None = None) -> None:
        """Once this event's frame is swapped in, show `url` (a path of this site, or ``?query``
        for the current path) in the browser's address as a new history entry, without
        navigating; the components' `url_state` is merged into its query string. Without
        `url`: the address the components' state makes, as a new entry.

        Anything that could leave the site raises UnsafeUrl, and the event fails."""
        self._url_asked = (checked_url(self, url), "push")

    def replace_url(self, url: str | None = None) -> None:
        """`push_url`, replacing the current history entry (back skips it)."""
        self._url_asked = (checked_url(self, url), "replace")

    def navigated(self, cid: str, url: object) -> str | None:
        """Back or forward went to `url` (the glue's `lv_url` event): every component with
        `url_state` takes its values from it and is re-rendered. The browser is there already:
        nothing is pushed."""
        return navigated(self, cid, url)

    # -- resources --------------------------------------------------------------------------

    def topics(self) -> frozenset[str]:
        """Every URI some component of this page shows."""
        return frozenset().union(*(r.topics for r in self.records.values()))

    def showing(
        self, changes: list[ResourceChanged]
    ) -> list[tuple[LiveComponent, list[ResourceChanged]]]:
        """The components that show one of `changes`, each with the changes it shows."""
        found = []
        for record in list(self.records.values()):
            topics = record.topics
            relevant = [ch for ch in changes if ch.uri in topics or ch.collection in topics]
            if relevant:
                found.append((record.component, relevant))
        return found

    def update(self, comp: LiveComponent, changes: list[ResourceChanged]) -> str | None:
        """Apply `changes` to `comp` and re-render it: its fragment, or None if unchanged."""
        return self.render_touched({comp: apply_changes(comp, changes)}, {})[0]

    def changed(self, changes: list[ResourceChanged]) -> str | None:
        """What a change sends this page: every component showing it (or told of it by a
        notice), re-rendered."""
        notify.begin(self)
        parts = {c._lv.id: self.update(c, relevant) for c, relevant in self.showing(changes)}
        notify.settle(self, parts)
        return "".join(p for p in parts.values() if p) or None

    def _follow(self, comp: LiveComponent, *, rendered: bool = False) -> None:
        """Ask the component what it shows now (after mount, an event or a change).

        `rendered`: right after its render, its code not run since: what that render laid out
        (`record.laid_out`) may answer, once. Any other follow comes after code that may have
        changed the state or the data the render read: that answer no longer holds."""
        record = comp._lv
        if not rendered:
            record.laid_out = None
        if record.id not in self.records:
            return
        try:
            topics = topics_of(comp.subscriptions())
        except Exception as exc:
            failed("liveview: %s.subscriptions() failed", comp, exc, type(comp).__name__)
            return
        finally:
            record.laid_out = None  # good for this follow only
        if topics != record.topics:
            record.topics = topics
            self.topics_changed = True

    # -- the token --------------------------------------------------------------------------

    def token(self, binding: Binding) -> PageToken:
        self.sealed = True
        return PageToken.new(tuple(r.spec for r in self.records.values()), binding)

    def renewed_token(self) -> str | None:
        """A signed token for a reconnect when some component's kept state changed since the
        last token (the one mounted from, or the last renewed): None when nothing changed."""
        return kept.renewed_token(self)

    # -- the turn's reply -------------------------------------------------------------------

    def reply_may_need_database(self) -> bool:
        """Whether the turn under way left its reply something that may read the database: a
        notice (its listeners run), a redirect (it carries the flash messages through the
        session) or a flash message."""
        return bool(self.mailbox.queue) or self.redirect_to is not None or self._flashed is not None
