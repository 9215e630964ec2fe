# The @event decorator and the coercion of client JSON into a handler's typed arguments.
# Only methods marked here are callable from a browser.
from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, overload

import pydantic

from liveview.authoring.authz import permissions_of

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__liveview_event__"
# What an @event(...) requires of the user: (login_required, permissions).
_REQUIRES = "__liveview_requires__"
# @event(on_loop=True): the handler and its reply run on the event loop.
_ON_LOOP = "__liveview_on_loop__"

#: How many argument errors a message lists; a huge wrong list must not make a huge banner.
MAX_ERRORS = 3
#: How much of an argument's name (client data) an error message repeats.
MAX_NAME = 64


class EventArgumentsError(ValueError):
    """The client's values do not fit the handler's signature."""


@overload
def event(func: F, /) -> F: ...
@overload
def event(
    *,
    login_required: bool = False,
    permission: str | tuple[str, ...] | None = None,
    on_loop: bool = False,
) -> Callable[[F], F]: ...
def event(
    func: F | None = None,
    /,
    *,
    login_required: bool = False,
    permission: str | tuple[str, ...] | None = None,
    on_loop: bool = False,
) -> F | Callable[[F], F]:
    """Mark a LiveComponent method as callable from the browser.

    Its arguments are validated and coerced from the client's JSON by their type hints.
    ``@event(login_required=True)`` and ``@event(permission="app.codename")`` (or a tuple of
    permissions, all needed) refuse the event to other users; the handler then does not run.

    ``@event(on_loop=True)``: the handler, and the render of its reply, run on the event loop
    instead of Django's sync thread, saving the thread hop of every event. For handlers and
    templates that never touch the database (Django raises ``SynchronousOnlyOperation`` if they
    do; an ``async def`` handler may ``await`` the async ORM). A turn that needs the sync
    thread anyway (a permission check, changes to apply or publish, a notice, a redirect) goes
    there as usual.
    """
    permissions = permissions_of(permission)
    if permissions and on_loop:
        raise TypeError(
            "@event(on_loop=True) cannot take permission=: checking a permission may read the "
            "database, which the event loop must not do"
        )

    def mark(func: F) -> F:
        if not inspect.isfunction(func):
            raise TypeError(
                f"@event decorates methods, not {type(func).__name__}: put it directly above "
                "a `def` in a LiveComponent class (not above @staticmethod, @classmethod or "
                "@property)"
            )
        params = list(inspect.signature(func).parameters)
        if not params or params[0] != "self":
            raise TypeError(
                f"@event {func.__qualname__} must be a method taking self first: "
                f"def {func.__name__}(self, ...)"
            )
        setattr(func, _MARK, True)
        setattr(func, _REQUIRES, (login_required or bool(permissions), permissions))
        if on_loop:
            setattr(func, _ON_LOOP, True)
        return func

    if func is not None and not callable(func):
        raise TypeError(
            f"@event decorates methods, not {type(func).__name__} ({func!r}): the event's name "
            "is the method's name; options are keywords, @event(login_required=True)"
        )
    return mark if func is None else mark(func)


def wrapped_event(obj: object) -> str | None:
    """What wraps an @event method and hides it from the page, or None.

    `@staticmethod` (or `@classmethod`, `@property`, `functools.cached_property`) placed
    above `@event` would leave a handler the page can never call.
    """
    for attribute in ("__func__", "fget", "func"):
        if getattr(getattr(obj, attribute, None), _MARK, False) is True:
            return type(obj).__name__
    return None


def is_event(obj: object) -> bool:
    return inspect.isfunction(obj) and getattr(obj, _MARK, False) is True


@dataclass(frozen=True, slots=True)
class EventHandler:
    """A handler with its argument validator, built once per class."""

    name: str
    func: Callable[..., Any]
    is_async: bool
    _validate: Callable[[Mapping[str, Any]], dict[str, Any]]
    #: The user must be logged in (implied by `permissions`).
    login_required: bool = False
    #: Permissions the user must all have ("app.codename").
    permissions: tuple[str, ...] = ()
    #: `@event(on_loop=True)`: run on the event loop, not in Django's sync thread.
    on_loop: bool = False

    @classmethod
    def build(cls, name: str, func: Callable[..., Any]) -> EventHandler:
        login_required, permissions = getattr(func, _REQUIRES, (False, ()))
        return cls(
            name=name,
            func=func,
            is_async=inspect.iscoroutinefunction(func),
            _validate=_validator(func),
            login_required=login_required,
            permissions=permissions,
            on_loop=getattr(func, _ON_LOOP, False) is True,
        )

    def coerce(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The handler's arguments from the client's values, or EventArgumentsError.

        Non-finite numbers (NaN, ±Infinity) are refused wherever they are, even for an
        argument typed ``Any`` or taken by ``**fields``.
        """
        for name, value in values.items():
            if not isinstance(name, str):
                raise EventArgumentsError("argument names must be strings")
            if name == "self":  # would collide with the component itself, even in **fields
                raise EventArgumentsError("unexpected argument: self")
            if not _finite(value):
                raise EventArgumentsError(f"{_clip(name)}: numbers must be finite")
        return self._validate(values)


def _finite(value: object) -> bool:
    # Iterative: a value may nest deeper than Python's recursion limit.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return True


def _clip(text: str) -> str:
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def _validator(func: Callable[..., Any]) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    sig = inspect.signature(func, eval_str=True)
    params = list(sig.parameters.values())[1:]
    fields: dict[str, Any] = {}
    extra_allowed = False
    for p in params:
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            extra_allowed = True
            continue
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.POSITIONAL_ONLY):
            raise TypeError(f"@event {func.__qualname__}: use named parameters only")
        annotation = Any if p.annotation is inspect.Parameter.empty else p.annotation
        default = ... if p.default is inspect.Parameter.empty else p.default
        fields[p.name] = (annotation, default)
    if not fields and not extra_allowed:

        def no_arguments(values: Mapping[str, Any]) -> dict[str, Any]:
            if values:
                names = sorted(values)
                listed = ", ".join(_clip(n) for n in names[:MAX_ERRORS])
                more = f"; and {len(names) - MAX_ERRORS} more" if len(names) > MAX_ERRORS else ""
                raise EventArgumentsError(f"unexpected argument: {listed}{more}")
            return {}

        return no_arguments
    model = pydantic.create_model(
        f"{func.__qualname__}.arguments",
        __config__=pydantic.ConfigDict(
            extra="allow" if extra_allowed else "forbid",
            allow_inf_nan=False,
            arbitrary_types_allowed=True,
        ),
        **fields,
    )

    def validate(values: Mapping[str, Any]) -> dict[str, Any]:
        try:
            parsed = model.model_validate(dict(values))
        except pydantic.ValidationError as exc:
            raise EventArgumentsError(_describe(exc)) from None
        result = {name: getattr(parsed, name) for name in fields}
        if extra_allowed and parsed.model_extra:
            result.update(parsed.model_extra)
        return result

    return validate


def _describe(exc: pydantic.ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    parts = []
    for err in errors[:MAX_ERRORS]:
        where = _clip(".".join(str(x) for x in err["loc"]) or "arguments")
        if err["type"] == "extra_forbidden":
            parts.append(f"unexpected argument: {where}")
        else:
            parts.append(f"{where}: {err['msg']}")
    if len(errors) > MAX_ERRORS:
        parts.append(f"and {len(errors) - MAX_ERRORS} more")
    return "; ".join(parts)
