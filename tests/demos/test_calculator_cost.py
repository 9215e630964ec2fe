"""The calculator's cost is bounded before it runs: counted in bytes and calls, never timed.

Every input of at most 200 characters is evaluated within a fixed number of traced bytes
(tracemalloc's peak) and a fixed number of function calls (a profiler's count of Python and C
calls). Together they bound the time too: the evaluator has no loop of its own, and every call
it makes works on operands whose size the byte count bounds.
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from project.calculator.evaluate import MAX_LENGTH, InvalidExpression, evaluate

MAX_PEAK_BYTES = 256 * 1024
MAX_CALLS = 20_000


@dataclass
class Cost:
    peak_bytes: int = 0
    calls: int = 0


@contextmanager
def counted() -> Iterator[Cost]:
    """The traced bytes and the calls of what runs inside."""
    cost = Cost()

    def count(frame: FrameType, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            cost.calls += 1

    tracing = tracemalloc.is_tracing()  # PYTHONTRACEMALLOC may have started it: leave it on
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    profiler = sys.getprofile()
    sys.setprofile(count)
    try:
        yield cost
    finally:
        sys.setprofile(profiler)
        cost.peak_bytes = tracemalloc.get_traced_memory()[1] - before
        if not tracing:
            tracemalloc.stop()


def evaluate_counted(expression: str) -> Cost:
    with counted() as cost, suppress(InvalidExpression):
        evaluate(expression)
    return cost


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ('"%0300000000d" % 1', "strings are not allowed"),
        ('"a".ljust(10**8)', "attribute access is not allowed"),
        ('(1).to_bytes(10**8, "big")', "attribute access is not allowed"),
    ],
)
def test_string_and_method_tricks_are_refused_before_they_allocate(
    expression: str, reason: str
) -> None:
    with counted() as cost, pytest.raises(InvalidExpression, match=reason):
        evaluate(expression)
    assert cost.peak_bytes < MAX_PEAK_BYTES


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("9**9**9", "result too large"),
        ("factorial(100000)", "result too large"),
        ("(10**600) * (10**600)", "result too large"),
        ("2**3400 + 2**3400", "result too large"),
        ("10**1000", "result too large"),
        ("10**999 * 10", "result too large"),
        ("2**3320 + 2**3320", "result too large"),
        ("ljust(1)", "unknown function"),
        ("factorial(x=3)", "positional"),
        ("sqrt(1, 2)", "takes 1"),
        ("[1, 2]", "not allowed"),
        ("1 if 1 else 2", "not allowed"),
        ("True + 1", "not a number"),
        ("1j", "not a real number"),
        ("(-8) ** 0.5", "not a real number"),
        ("1 < 2", "not allowed"),
        ("1 << 10000", "not allowed"),
    ],
)
def test_what_would_cost_too_much_is_refused_with_a_reason(expression: str, reason: str) -> None:
    with counted() as cost, pytest.raises(InvalidExpression, match=reason):
        evaluate(expression)
    assert cost.peak_bytes < MAX_PEAK_BYTES


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("sqrt(16)", "4"),
        ("factorial(20)", "2432902008176640000"),
        ("log(8, 2)", "3"),
        ("floor(2.5) + ceil(2.5)", "5"),
        ("abs(-3) % 2", "1"),
        ("round(2.6)", "3"),
        ("-2 ** -1", "-0.5"),
        ("7 % 3", "1"),
        ("2 ** 3000 // 2 ** 2999", "2"),
        ("10**999 // 10**998", "10"),
    ],
)
def test_allowed_functions_and_operators(expression: str, result: str) -> None:
    assert evaluate(expression) == result


# Text that looks like arithmetic, with the pieces an attacker reaches for.
_TOKENS = [
    *"0123456789",
    *"+-*/%().,^ ",
    "**",
    "//",
    "9**9",
    "10**",
    "e",
    "pi",
    "1e308",
    ".5",
    "'",
    '"',
    "%0300000000d",
    ".ljust(",
    ".to_bytes(",
    "factorial(",
    "sqrt(",
    "exp(",
    "log(",
    "floor(",
    "round(",
    "abs(",
    "__class__",
    "lambda x:",
    "[",
    "]",
    "*",
    "~",
    "<<",
]


def _expressions() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.integers(min_value=10**6, max_value=10**9).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.sampled_from(["pi", "e", "9", "99", "999999", '"a"', "True", "1j"]),
        st.from_regex(r'"%0?[0-9]{0,9}d"', fullmatch=True),
    )

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(
            children, st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "^"]), children
        ).map(lambda t: f"({t[0]}{t[1]}{t[2]})")
        unary = st.tuples(st.sampled_from(["-", "+"]), children).map("".join)
        call = st.tuples(
            st.sampled_from(
                ["sqrt", "exp", "log", "log10", "factorial", "floor", "ceil", "abs", "sin"]
            ),
            children,
        ).map(lambda t: f"{t[0]}({t[1]})")
        method = st.tuples(
            children, st.sampled_from(["ljust", "to_bytes", "zfill", "__pow__"]), children
        ).map(lambda t: f"({t[0]}).{t[1]}({t[2]})")
        formatted = st.tuples(st.from_regex(r'"%0[0-9]{1,9}d"', fullmatch=True), children).map(
            lambda t: f"{t[0]} % {t[1]}"
        )
        return st.one_of(binary, unary, call, method, formatted)

    return st.recursive(leaf, extend, max_leaves=40).filter(lambda s: len(s) <= MAX_LENGTH)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        _expressions(),
        st.lists(st.sampled_from(_TOKENS), max_size=60)
        .map("".join)
        .filter(lambda s: len(s) <= MAX_LENGTH),
        st.text(max_size=MAX_LENGTH),
    )
)
def test_no_short_input_costs_more_than_a_bounded_amount(expression: str) -> None:
    cost = evaluate_counted(expression)
    assert cost.peak_bytes < MAX_PEAK_BYTES, (expression, cost)
    assert cost.calls < MAX_CALLS, (expression, cost)
