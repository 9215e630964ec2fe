# Form controls in the test client's DOM: what a field holds, how filling it changes the markup,
# and the values a form submits, in the order and shape htmx collects them.
from __future__ import annotations

from typing import Any

from bs4 import Tag

from liveview.testing.dom import LiveTestError, attr, text_of

_NOT_SUBMITTED = frozenset({"submit", "button", "image", "reset", "file"})
CONTROLS = ("input", "select", "textarea")


def input_type(element: Tag) -> str:
    return (attr(element, "type") or "text").lower() if element.name == "input" else ""


def is_submit_button(element: Tag) -> bool:
    if element.name == "button":
        return (attr(element, "type") or "submit").lower() == "submit"
    return element.name == "input" and input_type(element) in ("submit", "image")


def closest(element: Tag, name: str) -> Tag | None:
    if element.name == name:
        return element
    parent = element.find_parent(name)
    return parent if isinstance(parent, Tag) else None


def value_of(element: Tag) -> str:
    """What the control holds now (a select's selected option's value)."""
    if element.name == "textarea":
        return element.get_text()
    if element.name == "select":
        chosen = _selected(element)
        return _option_value(chosen[0]) if chosen else ""
    if element.name == "input":
        kind = input_type(element)
        if kind in ("checkbox", "radio"):
            return attr(element, "value") or "on"
        return attr(element, "value") or ""
    raise LiveTestError(f"<{element.name}> is not a form control")


def set_value(element: Tag, value: str) -> None:
    """Put `value` in a text control, or choose the option whose value or text it is."""
    if element.has_attr("disabled") or element.has_attr("readonly"):
        raise LiveTestError(f"<{element.name} name={attr(element, 'name')!r}> is not editable")
    if element.name == "textarea":
        element.string = value
    elif element.name == "select":
        options = element.find_all("option")
        pick = [o for o in options if _option_value(o) == value] or [
            o for o in options if text_of(o) == value
        ]
        if not pick:
            raise LiveTestError(f"the select {attr(element, 'name')!r} has no option {value!r}")
        for option in options:
            if option.has_attr("selected") and not element.has_attr("multiple"):
                del option["selected"]
        pick[0]["selected"] = ""
    elif element.name == "input" and input_type(element) not in ("checkbox", "radio"):
        if input_type(element) in _NOT_SUBMITTED:
            raise LiveTestError(f"an <input type={input_type(element)}> takes no typing")
        element["value"] = value
    else:
        raise LiveTestError(
            f"<{element.name} type={input_type(element)!r}> cannot be filled: click it instead"
        )


def toggle(element: Tag) -> None:
    """A click on a checkbox flips it; on a radio button, checks it and unchecks its group."""
    kind = input_type(element)
    if kind == "checkbox":
        if element.has_attr("checked"):
            del element["checked"]
        else:
            element["checked"] = ""
    elif kind == "radio":
        name = attr(element, "name") or ""
        scope = closest(element, "form") or _root(element)
        for other in scope.find_all("input", attrs={"type": "radio", "name": name}):
            if other.has_attr("checked"):
                del other["checked"]
        element["checked"] = ""


def form_values(form: Tag) -> list[tuple[str, str]]:
    """The (name, value) pairs the form's controls submit, in document order."""
    pairs: list[tuple[str, str]] = []
    for control in form.find_all(CONTROLS):
        name = attr(control, "name")
        if not name or _disabled(control):
            continue
        if control.name == "select":
            chosen = _selected(control)
            pairs += [(name, _option_value(o)) for o in chosen]
        elif control.name == "textarea":
            pairs.append((name, control.get_text()))
        else:
            kind = input_type(control)
            if kind in _NOT_SUBMITTED:
                continue
            if kind in ("checkbox", "radio") and not control.has_attr("checked"):
                continue
            pairs.append((name, value_of(control)))
    return pairs


def missing_required(form: Tag) -> list[str]:
    """The names of the `required` controls a browser's validation would stop the submit on."""
    missing: list[str] = []
    for control in form.find_all(CONTROLS):
        if not control.has_attr("required") or _disabled(control):
            continue
        kind = input_type(control)
        if kind in _NOT_SUBMITTED:
            continue
        name = attr(control, "name") or attr(control, "id") or control.name
        if kind in ("checkbox", "radio"):
            group = (
                [control]
                if kind == "checkbox"
                else form.find_all(
                    "input", attrs={"type": "radio", "name": attr(control, "name") or ""}
                )
            )
            empty = not any(c.has_attr("checked") for c in group)
        else:
            empty = value_of(control) == ""
        if empty and name not in missing:
            missing.append(name)
    return missing


def merge(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """As htmx turns form data into JSON: a name given more than once becomes a list."""
    merged: dict[str, Any] = {}
    for name, value in pairs:
        if name in merged:
            previous = merged[name]
            merged[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            merged[name] = value
    return merged


def _selected(select: Tag) -> list[Tag]:
    options = [o for o in select.find_all("option") if not o.has_attr("disabled")]
    chosen = [o for o in options if o.has_attr("selected")]
    if chosen or select.has_attr("multiple"):
        return chosen if select.has_attr("multiple") else chosen[-1:]
    return options[:1]


def _option_value(option: Tag) -> str:
    value = attr(option, "value")
    return value if value is not None else text_of(option)


def is_disabled(control: Tag) -> bool:
    """Disabled itself, or inside a disabled fieldset."""
    return _disabled(control)


def _disabled(control: Tag) -> bool:
    if control.has_attr("disabled"):
        return True
    return any(f.has_attr("disabled") for f in control.find_parents("fieldset"))


def _root(element: Tag) -> Tag:
    parents = [p for p in element.parents if isinstance(p, Tag)]
    return parents[-1] if parents else element
