# Messages between the components of one page (Livewire's $dispatch/#[On], LiveView's
# send/handle_info): `self.live.notify("saved", pk=3)` queues a notice; when the event, timer,
# tick or broadcast that sent it has run, every component with a matching `@listens` method
# runs it, in the same turn, and the turn's reply carries each component it touched, once.
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from liveview.authoring.keep import snapshot
from liveview.core.metrics import failed
from liveview.runtime.changes import catch_up

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page

F = TypeVar("F", bound=Callable[..., Any])

#: Notices one turn may send, cascades included: a listener that notifies in a loop fails here.
MAX_NOTICES = 64
_MARK = "_lv_listens"


class NoticeError(RuntimeError):
    """A notice sent where no turn delivers it, or one too many in a turn."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One message: its name, its keyword arguments, and whom it is for (None: everyone)."""

    name: str
    payload: dict[str, Any]
    to: str | None = None

    def reaches(self, comp: LiveComponent) -> bool:
        return self.to is None or self.to in (comp._lv.id, comp._lv.spec.name)


@dataclass(slots=True)
class Mailbox:
    """The notices of the turn under way (`open` from its start to its reply)."""

    open: bool = False
    sent: int = 0
    queue: list[Notice] = field(default_factory=list)


def listens(*names: str) -> Callable[[F], F]:
    """Mark a component method to run when a component of its page sends one of `names`."""
    if not names or not all(isinstance(n, str) and n for n in names):
        raise TypeError('@listens takes one or more notice names: @listens("alert-created")')

    def mark(func: F) -> F:
        if inspect.iscoroutinefunction(func):
            raise TypeError(
                f"@listens({names[0]!r}) on async {func.__qualname__}: listeners run in the "
                "page's turn, in Django's sync thread; make it a plain def"
            )
        setattr(func, _MARK, (*getattr(func, _MARK, ()), *names))
        return func

    return mark


def listeners_of(cls: type[LiveComponent]) -> dict[str, tuple[str, ...]]:
    """Notice name -> the names of the class's methods that listen to it (cached per class)."""
    cached: dict[str, tuple[str, ...]] | None = cls.__dict__.get("_lv_listeners")
    if cached is not None:
        return cached
    marked: dict[str, tuple[str, ...]] = {}  # method -> the notices it listens to
    for klass in reversed(cls.__mro__):
        for attr, obj in vars(klass).items():
            if hasattr(obj, _MARK):
                marked[attr] = getattr(obj, _MARK)
            else:
                marked.pop(attr, None)  # overridden without @listens: no longer listening
    found: dict[str, tuple[str, ...]] = {}
    for attr, names in marked.items():
        for name in names:
            found[name] = (*found.get(name, ()), attr)
    cls._lv_listeners = found
    return found


def send(page: Page, name: str, payload: dict[str, Any], to: str | None = None) -> None:
    """Queue a notice for the end of the current turn (`Page.notify` and `Page.send_to`)."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"a notice's name is a non-empty string, not {name!r}")
    box = page.mailbox
    if not box.open:
        raise NoticeError(
            f"notify({name!r}) outside a turn of a live page: nothing would deliver it (a "
            "mount cannot notify; an event, a listener, a timer, a tick or a change can)"
        )
    if box.sent >= MAX_NOTICES:
        raise NoticeError(f"more than {MAX_NOTICES} notices in one turn: listeners in a loop?")
    box.sent += 1
    box.queue.append(Notice(name, payload, to))


def begin(page: Page) -> None:
    """A turn starts: notices may be sent until `deliver` or `discard` ends it."""
    box = page.mailbox
    box.open, box.sent = True, 0
    if box.queue:
        box.queue = []


def discard(page: Page) -> dict[LiveComponent, BaseException | None]:
    """The turn failed: what it queued goes nowhere."""
    box = page.mailbox
    box.open = False
    if box.queue:
        box.queue = []
    return {}


def deliver(page: Page) -> dict[LiveComponent, BaseException | None]:
    """Run the listeners of every queued notice (and of those they send); each component that
    listened, with the exception its listener raised (its state is back as before it), or None."""
    box = page.mailbox
    ran: dict[LiveComponent, BaseException | None] = {}
    try:
        while box.queue:
            notice = box.queue.pop(0)
            for comp in list(page.components.values()):
                if notice.reaches(comp) and ran.get(comp) is None:
                    for method in listeners_of(type(comp)).get(notice.name, ()):
                        ran[comp] = _listen(page, comp, method, notice)
                        if ran[comp] is not None:
                            break
    finally:
        box.open = False
        if box.queue:
            box.queue = []
    return ran


def settle(page: Page, parts: dict[str, str | None]) -> None:
    """End a broadcast's turn: deliver its notices, and put the fragment of each component
    that listened in `parts` (by DOM id), in place of the one the turn rendered before."""
    box = page.mailbox
    if not box.queue:  # the usual turn sent nothing: the rest is per page of a broadcast
        box.open = False
        return
    heard = deliver(page)
    for comp, failure in heard.items():
        (fragment,) = page.render_touched({}, {comp: failure})
        if fragment is not None:
            parts[comp._lv.id] = fragment


def _listen(page: Page, comp: LiveComponent, method: str, notice: Notice) -> BaseException | None:
    before = snapshot(comp.live_state())
    comp._lv.pristine = False
    try:
        failure: BaseException | None = catch_up(comp)
        if failure is None:
            getattr(comp, method)(**notice.payload)
    except Exception as exc:
        failed("liveview: %s.%s failed", comp, exc, type(comp).__name__, method, event=notice.name)
        failure = exc
    if failure is not None:
        comp.restore_state(before)
        return failure
    page._follow(comp)
    return None
