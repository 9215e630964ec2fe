# LiveComponent: a django-components Component whose state lives on the server between events.
# The class is the user's API; page.py drives its lifecycle, render.py its HTML.
from __future__ import annotations

import copy
import inspect
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, get_origin

from django.template import Context
from django.template.base import Template
from django_components import Component, registry

from liveview.authoring import tag_render
from liveview.authoring.events import EventHandler, is_event, wrapped_event
from liveview.authoring.keep import Mounted, user_changes
from liveview.authoring.live import Live
from liveview.authoring.record import ComponentRecord
from liveview.authoring.registration import not_registered_hint
from liveview.authoring.streams import Streams
from liveview.authoring.urlstate import HistoryMode, check_url_state

if TYPE_CHECKING:
    from liveview.pubsub.resources import ResourceChanged, Subscription

# Names a component's own methods use; an @event may not take them.
RESERVED = frozenset(
    {
        "mount",
        "render",
        "on_render",
        "dispatch",
        "live",
        "template",
        "media",
        "subscriptions",
        "resource_changed",
        "refresh",
        "remount",
        "remount_on_change",
        "kept",
        "extra_context",
        "login_required",
        "permission_required",
        "staff_required",
        "tick",
        "tick_every",
        "lazy",
        "placeholder",
        "url_state",
        "url_history",
        "lv_url",  # liveview.urlstate.URL_EVENT: back/forward, handled by the page
        "streams",
        "stream",
        "stream_insert",
        "stream_delete",
        "stream_reset",
        "stream_declared",
        "stream_item_context",
        "stream_templates",
    }
)


#: Instance attributes the framework itself uses on a live component: a subclass may not
#: define or annotate them (a mount argument or an assignment would hide them).
OWN_NAMES = {
    "live": "the page facade, self.live",
    "_lv": "the page's record of the instance",
}


class LiveComponent(Streams, Component):
    """A component whose state stays on the server and whose @event methods the page can call.

    State is every public attribute the component sets on itself (in ``mount`` or a handler);
    annotated class attributes declare state with a default. Mount arguments must be JSON.
    """

    #: The tag of the element that wraps the component and carries its DOM id.
    live_tag: ClassVar[str] = "div"
    #: True when the HTML depends only on the state, never on who views it (no `user`, no
    #: `csrf_token`): a broadcast then renders it once for every page showing it.
    viewer_independent: ClassVar[bool] = False
    #: Only a logged-in user may mount it or call its events (like Django's LoginRequiredMixin).
    login_required: ClassVar[bool] = False
    #: Permissions ("app.codename", or a tuple: all of them) a user needs to mount it or call
    #: its events (like Django's PermissionRequiredMixin); implies `login_required`.
    permission_required: ClassVar[str | tuple[str, ...] | None] = None
    #: Only an active staff user (``is_staff``) may mount it or call its events (like Django's
    #: ``staff_member_required``); implies `login_required`.
    staff_required: ClassVar[bool] = False
    #: Seconds between two `tick()` calls while the page's socket is open; None: never.
    tick_every: ClassVar[float | None] = None
    #: True: a change to what it shows mounts it again from its arguments, dropping what its
    #: events set (an open modal, a sort); False keeps that state on the new data.
    remount_on_change: ClassVar[bool] = False
    #: Attributes (annotated on the class, JSON values) that survive a reconnect: after an
    #: event changes one, the page gets a renewed token carrying them, and a reconnect's mount
    #: applies them (validated by their annotations, like event arguments).
    kept: ClassVar[tuple[str, ...]] = ()
    #: True: the first HTTP render shows `placeholder()` instead of mounting it (its mount is
    #: slow); the page's socket mounts it once connected and sends it (docs/components.md).
    lazy: ClassVar[bool] = False
    #: Attributes (annotated on the class, with a default) that live in the page's URL: in
    #: the path where the page's URL pattern captures them, else in the query string. Read
    #: after mount; an event that changes one updates the browser's address (docs/urls.md).
    url_state: ClassVar[tuple[str, ...]] = ()
    #: How an event that changed `url_state` updates the address: a new history entry
    #: ("push": back returns to the state before) or the current one ("replace").
    url_history: ClassVar[HistoryMode] = "push"
    #: True: a re-render sends only the swaps that turn the HTML the browser has into the new
    #: one (the whole component when those are not smaller); False: always the whole
    #: component (docs/updates.md).
    partial_updates: ClassVar[bool] = True
    _lv_events: ClassVar[dict[str, EventHandler]] = {}
    _lv_defaults: ClassVar[dict[str, Any]] = {}

    #: The framework's record of this instance (made and kept by its page: `page.records`);
    #: the one attribute a live instance carries besides the user's state.
    _lv: ComponentRecord

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        events: dict[str, EventHandler] = {}
        defaults: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            if not (isinstance(klass, type) and issubclass(klass, LiveComponent)):
                continue
            for name, obj in vars(klass).items():
                if is_event(obj):
                    if name.startswith("_") or name in RESERVED:
                        raise TypeError(f"{klass.__qualname__}.{name} cannot be an @event")
                    events[name] = EventHandler.build(name, obj)
                elif (wrapper := wrapped_event(obj)) is not None:
                    raise TypeError(
                        f"{klass.__qualname__}.{name}: @{wrapper} above @event hides the "
                        f"handler; an @event is a plain method: remove @{wrapper}"
                    )
                elif name in events and not is_event(obj):
                    del events[name]  # overridden without @event: no longer callable
            for name, annotation in vars(klass).get("__annotations__", {}).items():
                if name.startswith("_") or _is_classvar(annotation):
                    continue
                if name in vars(klass):
                    defaults[name] = vars(klass)[name]
        cls._lv_events = events
        cls._lv_defaults = defaults
        _check_own_names(cls)
        _check_kept(cls)
        check_url_state(cls, RESERVED)

    def mount(self, *args: Any, **kwargs: Any) -> None:
        """Set up the state from the mount arguments; the default stores them as attributes."""
        if args:
            raise TypeError(f"{type(self).__name__}: mount takes keyword arguments only")
        for name, value in kwargs.items():
            if name.startswith("_"):
                raise TypeError(f"{type(self).__name__}: mount argument {name!r} is private")
            if name in OWN_NAMES:
                raise TypeError(
                    f"{type(self).__name__}: mount argument {name!r} is LiveComponent's own "
                    f"({OWN_NAMES[name]}); pass it under another name"
                )
            setattr(self, name, value)

    def subscriptions(self) -> Iterable[Subscription]:
        """What this component shows: URIs, resources (their URI) or models (their collection).

        Asked after mount and after every change; the page follows the answer.
        """
        return ()

    def resource_changed(self, change: ResourceChanged) -> None:
        """A resource this component shows was written; the default reloads by `refresh()`."""
        self.refresh()

    def refresh(self) -> None:
        """Mount again from the same arguments on the data as it is now, keeping what the
        component's events changed since the last mount (unless the new mount changed it too);
        with `remount_on_change`, keeping nothing (`remount()`)."""
        state, before = self.live_state(), self._lv.mounted
        self.remount()
        after = self._lv.mounted
        if type(self).remount_on_change or before is None or after is None:
            return
        kept = user_changes(state, before, after)
        for name, value in kept.items():
            setattr(self, name, value)
        self._lv.pristine = not kept

    def remount(self) -> None:
        """Mount again from the same arguments: every attribute back to what mount makes of
        the data as it is now."""
        kwargs = self._lv.spec.kwargs
        for key in [k for k in vars(self) if not k.startswith("_")]:
            delattr(self, key)
        for field, default in type(self)._lv_defaults.items():
            setattr(self, field, copy.deepcopy(default))
        self.mount(**kwargs)
        self._lv.mounted = Mounted.of(self.live_state())
        self._lv.pristine = True

    def tick(self) -> None:
        """Called every `tick_every` seconds while the page is open; then the component is
        re-rendered (and sent when its HTML changed). The default only re-renders."""

    def placeholder(self) -> str:
        """The HTML a `lazy` component shows until its socket mounts it (trusted, not escaped).

        Runs before `mount`: only the class's declared defaults are set."""
        return (
            '<p class="lv-placeholder">Loading…</p>'
            '<noscript><p class="lv-placeholder">This part needs JavaScript.</p></noscript>'
        )

    def extra_context(self) -> Mapping[str, Any]:
        """Template variables computed at each render (a bound form, say): not state."""
        return {}

    @property
    def live(self) -> Live:
        """The page this component lives on: ``self.live.user``, ``self.live.redirect(url)``."""
        return self._lv.page.live

    # django-components renders a `{% component %}` tag through this hook.
    def on_render(self, context: Context, template: Template | None) -> str:
        return tag_render.render(self)

    @classmethod
    def new_live(cls, record: ComponentRecord) -> Self:
        """A live instance for `record`, mounted from its arguments: the user's class without
        django-components' render state."""
        comp = cls.unmounted(record)
        comp.mount(**record.spec.kwargs)
        if record.page.connected:  # only a live page's components are ever mounted again
            record.mounted = Mounted.of(comp.live_state())
        return comp

    @classmethod
    def unmounted(cls, record: ComponentRecord) -> Self:
        """A live instance for `record` before `mount`: its declared defaults in place."""
        comp = cls.__new__(cls)
        comp._lv = record
        record.component = comp
        for name, default in cls._lv_defaults.items():
            setattr(comp, name, copy.deepcopy(default))
        return comp

    def live_state(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def restore_state(self, state: dict[str, Any]) -> None:
        for key in [k for k in vars(self) if not k.startswith("_")]:
            delattr(self, key)
        for key, value in state.items():
            setattr(self, key, value)


def _check_kept(cls: type[LiveComponent]) -> None:
    if isinstance(cls.kept, str) or not isinstance(cls.kept, tuple):
        raise TypeError(f"{cls.__qualname__}.kept is a tuple of attribute names, like ('sort',)")
    annotated = {
        name
        for klass in cls.__mro__
        for name, annotation in vars(klass).get("__annotations__", {}).items()
        if not _is_classvar(annotation)
    }
    for name in cls.kept:
        if not isinstance(name, str) or name.startswith("_") or name in RESERVED:
            raise TypeError(f"{cls.__qualname__}.kept: {name!r} is not a public attribute name")
        if name not in annotated:
            raise TypeError(
                f"{cls.__qualname__}.kept names {name!r}: annotate it on the class "
                f"(`{name}: str = ''`), so a reconnect can validate its value"
            )


def _check_own_names(cls: type[LiveComponent]) -> None:
    """Refuse a class attribute or state field that would hide what the framework reads."""
    for klass in cls.__mro__:
        if klass is LiveComponent or not issubclass(klass, LiveComponent):
            continue
        own = set(vars(klass)) | set(vars(klass).get("__annotations__", {}))
        for name in sorted(own & OWN_NAMES.keys()):
            raise TypeError(
                f"{klass.__qualname__}.{name}: {name!r} is LiveComponent's own "
                f"({OWN_NAMES[name]}); give your attribute another name"
            )


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return get_origin(annotation) is ClassVar


def is_live_component(obj: object) -> bool:
    return inspect.isclass(obj) and issubclass(obj, LiveComponent)


class UnknownComponent(LookupError):
    """A registered name that is not a LiveComponent (or not registered at all)."""


def component_class(name: str) -> type[LiveComponent]:
    try:
        cls = registry.get(name)
    except Exception:
        raise UnknownComponent(not_registered_hint(name)) from None
    if not is_live_component(cls):
        raise UnknownComponent(
            f"component {name!r} is {cls.__qualname__}, not a LiveComponent: "
            "subclass liveview.LiveComponent to make it live"
        )
    return cls  # type: ignore[return-value]
