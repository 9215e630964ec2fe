from __future__ import annotations

import pytest

from project.calculator.evaluate import InvalidExpression, evaluate


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("2+3*4", "14"),
        (" (1 + 2) * 3 ", "9"),
        ("7 / 2", "3.5"),
        ("7 // 2", "3"),
        ("2^10", "1024"),
        ("-3 ** 2", "-9"),
        ("pi", "3.14159265359"),
        ("10**40", "1.000000000000e+40"),
        ("", ""),
    ],
)
def test_arithmetic(expression: str, result: str) -> None:
    assert evaluate(expression) == result


@pytest.mark.parametrize(
    "expression",
    [
        "2+",
        "1/0",
        "9**9**9",
        "10**10**10",
        "(10**600) * (10**600)",
        "__import__('os').system('id')",
        "().__class__",
        "'a' * 3",
        "x",
        "open('/etc/passwd')",
        "1e308 * 10",
        "1" * 201,
    ],
)
def test_what_is_not_safe_arithmetic_is_invalid(expression: str) -> None:
    with pytest.raises(InvalidExpression):
        evaluate(expression)
