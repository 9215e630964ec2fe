from __future__ import annotations

from django_components import register

from liveview import LiveComponent, event
from project.calculator.evaluate import InvalidExpression, evaluate


@register("calculator")
class Calculator(LiveComponent):
    template_name = "calculator/calculator.html"
    expression: str = ""
    result: str = ""
    invalid: bool = False

    # Bounded pure arithmetic (evaluate.py), no database: on the loop (docs/events.md).
    @event(on_loop=True)
    def evaluate(self, expression: str = "") -> None:
        self.expression = expression
        try:
            self.result, self.invalid = evaluate(expression), False
        except InvalidExpression:
            self.result, self.invalid = "", True
