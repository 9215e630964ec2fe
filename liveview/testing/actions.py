# A user's actions on a live page (click, type, press, submit, send), turned into the events
# htmx would send: the bindings they trigger, the confirm dialog, the browser's own form rules.
from __future__ import annotations

from typing import Any

from bs4 import Tag

from liveview.core.dialect import Dialect, FrameShape
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

_DISABLEABLE = ["button", "input", "select", "textarea"]
_TEXT_INPUTS = frozenset({"text", "search", "email", "url", "tel", "password", "number", ""})


class UserActions:
    """What `LivePage` does as a user (docs/testing.md); the page owns the socket and the DOM."""

    _doc: Document
    dialect: Dialect
    frame: FrameShape
    url: str
    _answer: bool | None

    async def _send(self, text: str) -> None:
        raise NotImplementedError  # the page sends over its socket and applies the answer

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


def _describe(element: Tag) -> str:
    ident = attr(element, "id")
    label = f"#{ident}" if ident else f" {text_of(element)[:40]!r}"
    return f"<{element.name}>{label}"
