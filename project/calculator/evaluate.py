"""Safe arithmetic for the live calculator: simpleeval, numbers only, bounded cost."""

from __future__ import annotations

import ast
import math
import operator
from decimal import Decimal
from typing import Any

import simpleeval

MAX_LENGTH = 200
MAX_DIGITS = 1000  # a result longer than this is refused before it is computed


class InvalidExpression(ValueError):
    pass


def _power(base: Any, exponent: Any) -> Any:
    if base not in (0, 1, -1) and abs(exponent) > 1:
        digits = abs(exponent) * math.log10(abs(base)) if base else 0
        if digits > MAX_DIGITS:
            raise InvalidExpression("result too large")
    return operator.pow(base, exponent)


def _multiply(a: Any, b: Any) -> Any:
    if a and b and math.log10(abs(a)) + math.log10(abs(b)) > MAX_DIGITS:
        raise InvalidExpression("result too large")
    return operator.mul(a, b)


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: _multiply,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(expression: str) -> str:
    """The value of an arithmetic expression as text; InvalidExpression when it has none."""
    text = expression.strip()
    if not text:
        return ""
    if len(text) > MAX_LENGTH:
        raise InvalidExpression("expression too long")
    evaluator = simpleeval.SimpleEval(
        operators=_OPERATORS, functions={}, names={"pi": math.pi, "e": math.e}
    )
    try:
        value = evaluator.eval(text.replace("^", "**"))
    except InvalidExpression:
        raise
    except (Exception, RecursionError) as exc:  # simpleeval and arithmetic errors alike
        raise InvalidExpression(str(exc)) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidExpression("not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidExpression("not a finite number")
        return f"{value:.12g}"
    if abs(value) >= 10**30:
        return f"{Decimal(value):.12e}"
    return str(value)
