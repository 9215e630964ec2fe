from __future__ import annotations

from typing import Any, Literal

import pytest

from liveview.authoring.events import EventArgumentsError, EventHandler, event, is_event


class Target:
    @event
    def typed(self, by: int = 1, name: str = "x", ratio: float = 0.5, on: bool = False) -> None:
        pass

    @event
    def required(self, value: int) -> None:
        pass

    @event
    def nothing(self) -> None:
        pass

    @event
    def anything(self, **fields: Any) -> None:
        pass

    @event
    def choice(self, size: Literal["s", "m", "l"], tags: list[str] | None = None) -> None:
        pass


def handler(name: str) -> EventHandler:
    return EventHandler.build(name, getattr(Target, name))


def test_json_numbers_and_form_strings_are_coerced_by_type_hints() -> None:
    assert handler("typed").coerce({"by": "5", "ratio": "2.5", "on": "true"}) == {
        "by": 5,
        "name": "x",
        "ratio": 2.5,
        "on": True,
    }


def test_defaults_fill_missing_arguments() -> None:
    assert handler("typed").coerce({}) == {"by": 1, "name": "x", "ratio": 0.5, "on": False}


def test_a_wrong_type_is_a_clear_error() -> None:
    with pytest.raises(EventArgumentsError, match="by: Input should be a valid integer"):
        handler("typed").coerce({"by": "five"})


def test_an_extra_argument_is_rejected() -> None:
    with pytest.raises(EventArgumentsError, match="unexpected argument: evil"):
        handler("typed").coerce({"evil": 1})


def test_an_extra_argument_is_rejected_by_a_handler_without_parameters() -> None:
    with pytest.raises(EventArgumentsError, match="unexpected argument: x"):
        handler("nothing").coerce({"x": 1})


def test_a_missing_required_argument_is_a_clear_error() -> None:
    with pytest.raises(EventArgumentsError, match="value: Field required"):
        handler("required").coerce({})


def test_var_keyword_handlers_take_every_field() -> None:
    assert handler("anything").coerce({"a": "1", "b": ["x", "y"]}) == {"a": "1", "b": ["x", "y"]}


def test_literals_and_lists_are_validated() -> None:
    assert handler("choice").coerce({"size": "m", "tags": ["a"]}) == {"size": "m", "tags": ["a"]}
    with pytest.raises(EventArgumentsError, match="size"):
        handler("choice").coerce({"size": "xl"})


def test_non_finite_floats_are_rejected() -> None:
    with pytest.raises(EventArgumentsError, match="ratio"):
        handler("typed").coerce({"ratio": float("nan")})


def test_the_decorator_marks_only_what_it_decorates() -> None:
    assert is_event(Target.typed)
    assert not is_event(Target.__init__)


def test_the_decorator_refuses_a_non_function() -> None:
    with pytest.raises(TypeError, match="decorates methods"):
        event(42)  # type: ignore[call-overload]


def test_the_decorator_refuses_a_function_without_self() -> None:
    def loose(x: int) -> None:
        pass

    with pytest.raises(TypeError, match="taking self first"):
        event(loose)


def test_event_with_requirements_keeps_them_on_the_handler() -> None:
    class Guarded:
        @event(permission="polls.change_poll")
        def edit(self) -> None: ...

        @event(permission=("a.b", "c.d"))
        def both(self) -> None: ...

        @event(login_required=True)
        def members(self) -> None: ...

        @event()
        def anyone(self) -> None: ...

    edit = EventHandler.build("edit", Guarded.edit)
    assert (edit.login_required, edit.permissions) == (True, ("polls.change_poll",))
    assert EventHandler.build("both", Guarded.both).permissions == ("a.b", "c.d")
    members = EventHandler.build("members", Guarded.members)
    assert (members.login_required, members.permissions) == (True, ())
    anyone = EventHandler.build("anyone", Guarded.anyone)
    assert (anyone.login_required, anyone.permissions) == (False, ())
    assert is_event(Guarded.anyone) and is_event(Guarded.edit)


def test_the_decorator_refuses_a_staticmethod_with_what_to_do() -> None:
    with pytest.raises(TypeError, match="not staticmethod: put it directly above a `def`"):

        class Wrong:
            @event
            @staticmethod
            def ping() -> None: ...


def test_the_decorator_refuses_a_name_given_as_argument() -> None:
    with pytest.raises(TypeError, match="the event's name is the method's name"):
        event("save")  # type: ignore[call-overload]
