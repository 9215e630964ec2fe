# The @event decorator and the coercion of client JSON into a handler's typed arguments.
# Only methods marked here are callable from a browser.
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pydantic

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__liveview_event__"


class EventArgumentsError(ValueError):
    """The client's values do not fit the handler's signature."""


def event(func: F) -> F:
    """Mark a LiveComponent method as callable from the browser.

    Its arguments are validated and coerced from the client's JSON by their type hints.
    """
    if not inspect.isfunction(func):
        raise TypeError(f"@event decorates methods, not {type(func).__name__}")
    params = list(inspect.signature(func).parameters)
    if not params or params[0] != "self":
        raise TypeError(f"@event {func.__qualname__} must be a method taking self first")
    setattr(func, _MARK, True)
    return func


def is_event(obj: object) -> bool:
    return inspect.isfunction(obj) and getattr(obj, _MARK, False) is True


@dataclass(frozen=True, slots=True)
class EventHandler:
    """A handler with its argument validator, built once per class."""

    name: str
    func: Callable[..., Any]
    is_async: bool
    _validate: Callable[[Mapping[str, Any]], dict[str, Any]]

    @classmethod
    def build(cls, name: str, func: Callable[..., Any]) -> EventHandler:
        return cls(
            name=name,
            func=func,
            is_async=inspect.iscoroutinefunction(func),
            _validate=_validator(func),
        )

    def coerce(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return self._validate(values)


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
                raise EventArgumentsError(f"unexpected argument: {', '.join(sorted(values))}")
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
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(x) for x in err["loc"]) or "arguments"
        if err["type"] == "extra_forbidden":
            parts.append(f"unexpected argument: {where}")
        else:
            parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
