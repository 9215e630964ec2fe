# One live page in a test: its socket, its DOM kept current with every frame, the user's actions
# turned into the events htmx would send, and the page read back as the user sees it.
from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bs4 import Tag

from liveview.authoring.urlstate import URL_EVENT
from liveview.core.dialect import Dialect, FrameShape
from liveview.runtime.render import EPOCH_ID
from liveview.testing.bindings import bound_ancestors, message, triggers, values_for
from liveview.testing.dom import Document, LiveTestError, attr, text_of
from liveview.testing.forms import (
    CONTROLS,
    closest,
    input_type,
    is_disabled,
    is_submit_button,
    missing_required,
    set_value,
    toggle,
    value_of,
)
from liveview.testing.socket import LiveCommunicator, Served

_DISABLEABLE = ["button", "input", "select", "textarea"]
_TEXT_INPUTS = frozenset({"text", "search", "email", "url", "tel", "password", "number", ""})


class LivePage:
    """A page opened by `LiveClient.open`: act on it, read it back (docs/testing.md)."""

    def __init__(
        self,
        communicator: LiveCommunicator,
        served: Served,
        document: Document,
        *,
        dialect: Dialect,
        frame: FrameShape,
        url: str,
        timeout: float,
    ) -> None:
        self._socket = communicator
        self._served = served
        self._doc = document
        self._sent = 0
        #: The htmx the page was rendered for, and the shape of the frames its build sends.
        self.dialect = dialect
        self.frame = frame
        self.url = url
        self.timeout = timeout
        #: Every frame the server sent, in order, as sent (the connect's full render first).
        self.frames: list[str] = []
        #: The close code, once the server has closed the socket.
        self.close_code: int | None = None
        #: The newest renewed page token a frame carried (a reconnect uses it).
        self._token = ""
        #: The answer `click(confirm=)` gives a binding's hx-confirm question, while it runs.
        self._answer: bool | None = None
        #: The browser's history of this page (path and query), and where it is in it.
        self.history: list[str] = [_path_of(url)]
        self._at = 0

    # -- the socket ------------------------------------------------------------------------

    async def connect(self) -> None:
        connected, code = await self._socket.connect(self.timeout)
        self._sent = 1
        if not connected:
            self.close_code = code
            return
        await self._settle()

    async def close(self) -> None:
        """Disconnect, as a closed tab does."""
        if not self._socket.future.done():
            await self._socket.disconnect(timeout=self.timeout)

    async def reconnect(self) -> None:
        """Close the socket (if open) and open a new one for the same page, as the glue does
        after a drop or a hidden tab: with the newest page token a frame carried (``data-t``
        on ``#lv-epoch``), the DOM as it is. The server mounts the page afresh; its first frame
        and epoch apply as on the first connect."""
        await self.close()
        scope = self._socket.scope
        query = parse_qs(scope["query_string"].decode("latin-1"))
        if self._token:
            query["t"] = [self._token]
        query["u"] = [self.location]  # where the browser is now, as the glue sends it
        path = f"{scope['path']}?{urlencode(query, doseq=True)}"
        self._served = Served(self._served.application, self._served.scheme)
        self._socket = LiveCommunicator(self._served, path, headers=scope["headers"])
        self.close_code = None
        await self.connect()

    async def next_frame(self, timeout: float = 5.0) -> str:
        """Wait for the next frame the server sends (a broadcast), apply it and return it."""
        async with asyncio.timeout(timeout):
            while True:
                self._raise_if_closed()
                output = await self._socket.output_queue.get()
                text = self._take(output)
                if text is not None:
                    return text

    async def run_timers(self, limit: int = 100) -> int:
        """Run this page's pending one-shot timers (``self.live.after``) now, soonest first, as
        if their time had come (and those they set, up to `limit`); their frames are applied.
        How many ran."""
        from liveview.socket.consumer import open_pages

        self._raise_if_closed()
        page = next((p for p in open_pages() if p.key == self._doc.epoch), None)
        if page is None:
            raise LiveTestError("this page's socket is not open: it has no timers to run")
        ran = 0
        while ran < limit and (armed := [t for t in page.timers if t.armed_with is not None]):
            await armed[0].run_now()
            ran += 1
        queue = self._socket.output_queue
        while not queue.empty():
            self._take(queue.get_nowait())
        return ran

    async def _settle(self) -> None:
        """Wait until the server has handled everything sent, then apply what it answered."""
        await self._served.read_past(self._sent, self._socket.future, self.timeout)
        queue = self._socket.output_queue
        while not queue.empty():
            self._take(queue.get_nowait())

    def _take(self, output: dict[str, Any]) -> str | None:
        if output["type"] == "websocket.close":
            self.close_code = int(output.get("code", 1000))
            return None
        text = output.get("text")
        if output["type"] != "websocket.send" or not isinstance(text, str):
            return None
        self.frames.append(text)
        self._doc.apply(text)
        self._follow_address()
        epoch = self._doc.soup.find(id=EPOCH_ID)
        token = epoch.get("data-t") if isinstance(epoch, Tag) else None
        if isinstance(token, str) and token:  # kept the way the glue keeps it: the newest seen
            self._token = token
        return text

    def _raise_if_closed(self) -> None:
        if self.close_code is not None:
            raise LiveTestError(f"the server closed this page's socket (code {self.close_code})")

    async def _send(self, text: str) -> None:
        self._raise_if_closed()
        await self._socket.send_to(text_data=text, stamp=False)
        self._sent += 1
        await self._settle()

    async def _fire(
        self, bound: Tag, *, submitter: Tag | None = None, source: Tag | None = None
    ) -> None:
        question = attr(bound, "hx-confirm")
        if question:  # the glue asks before the send (docs/events.md)
            if self._answer is None:
                raise LiveTestError(
                    f"{_describe(source or bound)} asks {question!r} first: click it with "
                    "confirm=True (OK) or confirm=False (Cancel)"
                )
            if not self._answer:
                return  # Cancel: nothing is sent
        values = values_for(bound, submitter)
        await self._send(message(values, self._doc.epoch, self.frame, source or bound, self.url))

    # -- acting as a user --------------------------------------------------------------------

    async def click(
        self, selector: str | None = None, *, text: str | None = None, confirm: bool | None = None
    ) -> None:
        """Click the first element matching `selector` and/or showing exactly `text`.

        A binding with `hx-confirm` asks first: `confirm=True` answers OK, `confirm=False`
        Cancel (nothing is sent); without an answer the click is an error, as a test that
        forgot the dialog would otherwise pass for a user who never saw it."""
        if selector is None and text is None:
            raise LiveTestError("click() needs a CSS selector, a text, or both")
        element = self._doc.by_text(selector, text)
        control = element if element.name in _DISABLEABLE else element.find_parent(_DISABLEABLE)
        if control is not None and is_disabled(control):
            raise LiveTestError(f"{_describe(control)} is disabled: a click on it does nothing")
        self._doc.focus(element)  # focus leaves any field being typed in
        self._answer = confirm
        try:
            done = await self._click(element)
        finally:
            self._answer = None
        if done:
            return
        what = _describe(element)
        if element.name == "a" and element.has_attr("href"):
            raise LiveTestError(
                f"{what} is a link to {attr(element, 'href')!r}, not a live event: "
                "open it with LiveClient.open"
            )
        raise LiveTestError(f"clicking {what} runs no live binding and submits no form")

    async def _click(self, element: Tag) -> bool:
        checkable = element.name == "input" and input_type(element) in ("checkbox", "radio")
        if checkable:
            toggle(element)
        fired = False
        cancelled = False
        for bound in bound_ancestors(element, self.dialect):
            if any(t.fires_on("click") for t in triggers(bound)):
                await self._fire(bound, source=element)
                fired = True
                # htmx prevents a bound submit button's (or link's) default action.
                cancelled = cancelled or is_submit_button(bound) or bound.name == "a"
        if checkable:
            fired = await self._dom_events(element, ("input", "change")) or fired
        button = element if is_submit_button(element) else element.find_parent("button")
        if button is not None and not cancelled and is_submit_button(button):
            form = closest(button, "form")
            if form is not None:
                await self._submit(form, submitter=button)
                return True
        return fired

    async def fill(self, field: str, value: str) -> None:
        """Put `value` in a field (by label text or CSS selector); no event fires."""
        element = self._doc.field(field)
        set_value(element, value)
        self._doc.focus(element)

    async def type(self, field: str, value: str) -> None:
        """Type `value` into a field, then leave it: its input, keyup and change bindings run."""
        element = self._doc.field(field)
        before = value_of(element)
        set_value(element, value)
        self._doc.focus(element)
        await self._dom_events(element, ("input", "keyup", "change"), changed=before != value)

    async def press(self, field: str, key: str) -> None:
        """Press and release `key` in a field: keyup bindings for that key run, and Enter in a
        text input submits its form as a browser does."""
        element = self._doc.field(field)
        self._doc.focus(element)
        await self._dom_events(element, ("keydown", "keyup"), key=key)
        if key == "Enter" and element.name == "input" and input_type(element) in _TEXT_INPUTS:
            form = closest(element, "form")
            if form is not None:
                default = next(
                    (b for b in form.find_all(["button", "input"]) if is_submit_button(b)), None
                )
                if default is None or not is_disabled(default):  # as a browser decides
                    await self._submit(form, submitter=default)

    async def submit(self, selector: str = "form", **values: str | bool) -> None:
        """Fill the form's fields by name (True/False checks a checkbox), then submit it."""
        element = self._doc.one(selector)
        form = closest(element, "form")
        if form is None:
            raise LiveTestError(f"{selector!r} is not a form, nor inside one")
        self._doc.focus(form)
        for name, value in values.items():
            control = form.find(CONTROLS, attrs={"name": name})
            if not isinstance(control, Tag):
                raise LiveTestError(f"the form {selector!r} has no field named {name!r}")
            if isinstance(value, bool):
                if control.has_attr("checked") != value:
                    toggle(control)
            elif input_type(control) == "radio":
                group = form.find_all("input", attrs={"type": "radio", "name": name})
                chosen = [r for r in group if value_of(r) == value]
                if not chosen:
                    raise LiveTestError(f"the radio buttons {name!r} have no value {value!r}")
                toggle(chosen[0])
            else:
                set_value(control, value)
        await self._submit(form)

    async def _submit(self, form: Tag, submitter: Tag | None = None) -> None:
        skip = form.has_attr("novalidate") or (
            submitter is not None and submitter.has_attr("formnovalidate")
        )
        missing = [] if skip else missing_required(form)
        if missing:
            raise LiveTestError(
                f"the browser would not submit {_describe(form)}: {', '.join(missing)} "
                "required (send() the event to test the server's own validation)"
            )
        fired = False
        for bound in bound_ancestors(form, self.dialect):
            if any(t.fires_on("submit") for t in triggers(bound)):
                await self._fire(bound, submitter=submitter, source=submitter or form)
                fired = True
        if not fired:
            action = attr(form, "action") or self.url
            raise LiveTestError(
                f"{_describe(form)} is not live: it posts to {action!r} over HTTP "
                "(test that with Django's test client)"
            )

    async def _dom_events(
        self, element: Tag, events: tuple[str, ...], *, key: str | None = None, changed: bool = True
    ) -> bool:
        """Run each binding on the element or an ancestor that one of `events` triggers, once."""
        fired = False
        for bound in bound_ancestors(element, self.dialect):
            hits = [t for t in triggers(bound) if any(t.fires_on(e, key) for e in events)]
            if any(changed or not t.changed for t in hits):
                await self._fire(bound, source=element)
                fired = True
        return fired

    async def send(self, event: str, *, component: str | None = None, **values: Any) -> None:
        """Send `event` to a component by name, as a binding would, skipping the DOM."""
        cid = self._component_id(component)
        body = {"lv": cid, "event": event, **values}
        await self._send(message(body, self._doc.epoch, self.frame, None, self.url))

    def _component_id(self, component: str | None) -> str:
        live = self._doc.select("[data-lv]")
        if component is None:
            if len(live) != 1:
                raise LiveTestError(f"the page has {len(live)} components: pass component=")
            return attr(live[0], "id") or ""
        by_id = self._doc.soup.find(id=component)
        if isinstance(by_id, Tag) and by_id.has_attr("data-lv"):
            return component
        named = [c for c in live if attr(c, "data-lv") == component]
        if len(named) == 1:
            return attr(named[0], "id") or ""
        if len(named) > 1:
            raise LiveTestError(f"{len(named)} components are named {component!r}: pass an id")
        inner = self._doc.one(component)
        owner = inner if inner.has_attr("data-lv") else inner.find_parent(attrs={"data-lv": True})
        if owner is None:
            raise LiveTestError(f"{component!r} is not inside a live component")
        return attr(owner, "id") or ""

    # -- the address (url_state, docs/urls.md) ---------------------------------------------

    @property
    def location(self) -> str:
        """The page's address as the browser shows it now: path and query string."""
        return self.history[self._at]

    def _follow_address(self) -> None:
        for url, mode in self._doc.addresses:
            if mode == "replace":
                self.history[self._at] = url
            else:
                del self.history[self._at + 1 :]
                self.history.append(url)
                self._at += 1
        self._doc.addresses.clear()

    async def back(self) -> None:
        """The browser's back button: the address before, sent to the server as the glue does."""
        if self._at == 0:
            raise LiveTestError("no history entry before this one")
        self._at -= 1
        await self._navigated()

    async def forward(self) -> None:
        """The browser's forward button."""
        if self._at + 1 >= len(self.history):
            raise LiveTestError("no history entry after this one")
        self._at += 1
        await self._navigated()

    async def _navigated(self) -> None:
        first = self._doc.select("[data-lv]")
        if not first:
            raise LiveTestError("the page has no live component")
        body = {"lv": attr(first[0], "id"), "event": URL_EVENT, "url": self.location}
        await self._send(message(body, self._doc.epoch, self.frame, None, self.url))

    # -- reading back ----------------------------------------------------------------------

    def text(self, selector: str) -> str:
        """The text of the first element matching `selector`, whitespace collapsed."""
        return text_of(self._doc.one(selector))

    def html(self, selector: str | None = None) -> str:
        """The outer HTML of the first match, or the whole document."""
        return str(self._doc.soup if selector is None else self._doc.one(selector))

    def has(self, selector: str, text: str | None = None) -> bool:
        """Whether an element matches `selector` (and its text contains `text`)."""
        found = self._doc.select(selector)
        return any(text is None or text in text_of(e) for e in found)

    def count(self, selector: str) -> int:
        return len(self._doc.select(selector))

    def value(self, field: str) -> str:
        """A field's value now, by label text or CSS selector."""
        return value_of(self._doc.field(field))

    @property
    def errors(self) -> list[str]:
        """The error banners the components show now."""
        return [text_of(e) for e in self._doc.select(".lv-error")]

    @property
    def redirect(self) -> str | None:
        """Where a handler's redirect sent the browser, or None."""
        return self._doc.redirect


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _describe(element: Tag) -> str:
    ident = attr(element, "id")
    label = f"#{ident}" if ident else f" {text_of(element)[:40]!r}"
    return f"<{element.name}>{label}"
