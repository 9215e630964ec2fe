"""Safe arithmetic for the live calculator: numbers only, every operation's cost bounded first.

Python's own parser reads the expression; this module walks the tree with an allow-list of
nodes (numbers, `+ - * / // % **`, unary signs, the names `pi`, `e`, `tau` and a few math
functions) and checks, before each operation runs, that its result stays within `MAX_BITS`.
Strings, attributes, comparisons, subscripts and any other call are refused, so nothing the
page sends can allocate more than a few kilobytes or run longer than a few bigint operations.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from decimal import Decimal

MAX_LENGTH = 200
MAX_DIGITS = 1000  # a result longer than this is refused before it is computed
# Every int of at most this many bits has at most MAX_DIGITS digits (2**3321 < 10**1000).
MAX_BITS = math.floor(MAX_DIGITS * math.log2(10))

Number = int | float


class InvalidExpression(ValueError):
    pass


def _too_large() -> InvalidExpression:
    return InvalidExpression(f"result too large (more than {MAX_DIGITS} digits)")


def _bits(value: Number) -> int:
    return value.bit_length() if isinstance(value, int) else 0


def _within(bits: float) -> None:
    """Refuse a result of more than MAX_BITS bits (given or estimated before computing it)."""
    if bits > MAX_BITS:
        raise _too_large()


def _multiply(a: Number, b: Number) -> Number:
    if _bits(a) and _bits(b):
        _within(_bits(a) + _bits(b) - 1)
    return a * b


def _power(base: Number, exponent: Number) -> Number:
    # Only an int to a non-negative int power grows without bound; a float power is a float
    # (or an OverflowError), and a negative int power is computed in floats.
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        _within(exponent)  # |base| >= 2: at least `exponent` bits (and no float overflow below)
        _within(exponent * math.log2(abs(base)) - 1)
    result: Number = base**exponent
    return result


def _factorial(n: Number) -> Number:
    if not isinstance(n, int) or n < 0:
        raise InvalidExpression("factorial takes a whole number ≥ 0")
    _within(n)  # n! has more than n bits from n = 8 (and lgamma below takes no huge int)
    _within(math.lgamma(n + 1) / math.log(2))
    return math.factorial(n)


def _round(x: Number) -> Number:
    return round(x)


_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: _multiply,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
}
_UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_NAMES: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}
# name: (function, fewest arguments, most arguments). Each costs at most a float operation
# or, for ints, a pass over an operand that MAX_BITS already bounds; factorial checks itself.
_TRIGONOMETRY = ("sin", "cos", "tan", "asin", "acos", "atan")
_MATH_ONE_ARGUMENT = ("floor", "ceil", "sqrt", "exp", "log10", "log2", *_TRIGONOMETRY)
_FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int]] = {
    "abs": (abs, 1, 1),
    "round": (_round, 1, 1),
    "log": (math.log, 1, 2),
    "factorial": (_factorial, 1, 1),
    **{name: (getattr(math, name), 1, 1) for name in _MATH_ONE_ARGUMENT},
}


def _checked(value: object) -> Number:
    """A result that is a real number within bounds, or the reason it is not."""
    if isinstance(value, complex):
        raise InvalidExpression("not a real number")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidExpression("not a number")
    _within(_bits(value))
    return value


def _call(node: ast.Call) -> Number:
    if not isinstance(node.func, ast.Name):
        if isinstance(node.func, ast.Attribute):
            raise InvalidExpression("attribute access is not allowed")
        raise InvalidExpression("only named functions may be called")
    name = node.func.id
    if name not in _FUNCTIONS:
        raise InvalidExpression(f"unknown function {name!r}")
    function, fewest, most = _FUNCTIONS[name]
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise InvalidExpression(f"{name} takes positional arguments only")
    if not fewest <= len(node.args) <= most:
        count = str(fewest) if fewest == most else f"{fewest} to {most}"
        raise InvalidExpression(f"{name} takes {count} argument(s)")
    return function(*(_value(arg) for arg in node.args))


def _value(node: ast.AST) -> Number:
    """The value of one allowed node; InvalidExpression for any other."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str | bytes):
            raise InvalidExpression("strings are not allowed")
        return _checked(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        return _checked(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _checked(_UNARY[type(node.op)](_value(node.operand)))
    if isinstance(node, ast.Name):
        if node.id not in _NAMES:
            raise InvalidExpression(f"unknown name {node.id!r}")
        return _NAMES[node.id]
    if isinstance(node, ast.Call):
        return _checked(_call(node))
    if isinstance(node, ast.Attribute):
        raise InvalidExpression("attribute access is not allowed")
    if isinstance(node, ast.JoinedStr):
        raise InvalidExpression("strings are not allowed")
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        raise InvalidExpression(f"operator {type(node.op).__name__} is not allowed")
    raise InvalidExpression(f"{type(node).__name__} is not allowed")


def _format(value: Number) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidExpression("not a finite number")
        return f"{value:.12g}"
    if abs(value) >= 10**30:
        return f"{Decimal(value):.12e}"
    return str(value)


def evaluate(expression: str) -> str:
    """The value of an arithmetic expression as text; InvalidExpression when it has none."""
    text = expression.strip()
    if not text:
        return ""
    if len(text) > MAX_LENGTH:
        raise InvalidExpression(f"expression too long (more than {MAX_LENGTH} characters)")
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        raise InvalidExpression(f"not an expression: {exc}") from None
    try:
        return _format(_value(tree.body))
    except InvalidExpression:
        raise
    except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
        # 1/0, log(0), exp(1000), float(2**3000): the arithmetic's own refusals.
        raise InvalidExpression(str(exc) or type(exc).__name__) from None
