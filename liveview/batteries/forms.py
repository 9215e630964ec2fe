# LiveForm: a Django form validated as the user types. The form's own validation is the only
# rule: the same `is_valid()` shows the errors, enables the submit button and guards `submit`.
from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event


class LiveForm(LiveComponent):
    """A component around one Django form (``form_class``), validated live.

    Bind each field's input to ``validate`` and the ``<form>`` to ``submit``, each with
    ``form_round=submitted``, e.g. ``{% live "validate" on="input" debounce="300ms"
    form_round=submitted %}`` (an event made before the last successful submit is ignored).
    The template sees ``data`` (the user's input), ``errors`` (per field, only for fields the
    user has changed, or all after a refused submit; ``form`` for the form's own errors),
    ``valid``, ``submit_disabled`` (invalid, on a live page only: a page without JavaScript can
    still post) and ``submitted`` (how many submits succeeded). Override ``form_valid(form)``
    to act on a valid submit, and ``initial()`` for starting values.
    """

    form_class: ClassVar[type[forms.BaseForm]]
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    touched: list[str] = []
    valid: bool = False
    submitted: int = 0

    def mount(self, *args: Any, **kwargs: Any) -> None:
        super().mount(*args, **kwargs)
        self.reset()

    def initial(self) -> dict[str, Any]:
        """The form's starting values (the form's and its fields' own initial values apply too)."""
        return {}

    def form_valid(self, form: forms.BaseForm) -> None:
        """A submit passed the form's validation: act on ``form.cleaned_data``."""

    def reset(self) -> None:
        """Back to the starting values, nothing touched."""
        unbound = self.form_class(initial=self.initial())
        self.base = {name: _shown(unbound[name].value()) for name in unbound.fields}
        self.data = dict(self.base)
        self.touched = []
        self.check()

    def bound_form(self) -> forms.BaseForm:
        """The form bound to the user's input: what validates it, and what a template may render."""
        return self.form_class(data=self.data, auto_id=f"{self._lv.id}-%s")

    def check(self, *, show_all: bool = False) -> forms.BaseForm:
        """Validate the input; the errors shown are the touched fields' (every field's if asked)."""
        form = self.bound_form()
        self.valid = form.is_valid()
        if show_all:
            self.touched = list(form.fields)
        errors = {} if self.valid else form_errors(form)
        shown = {*self.touched, "form"} if show_all or self.touched else set()
        self.errors = {name: errs for name, errs in errors.items() if name in shown}
        return form

    def extra_context(self) -> dict[str, Any]:
        return {"submit_disabled": self.live.connected and not self.valid}

    @event
    def validate(self, form_round: int | None = None, **values: Any) -> None:
        """The user changed a field: take the input, show the errors of what they changed."""
        if self._stale(form_round):
            return
        self._take(values)
        self.check()

    @event
    def submit(self, form_round: int | None = None, **values: Any) -> None:
        """Run ``form_valid`` if the form validates; otherwise show every error, change nothing."""
        if self._stale(form_round):
            return
        self._take(values)
        form = self.check()
        if not self.valid:
            self.check(show_all=True)
            return
        if self._accept(form):
            self.submitted += 1
            self.reset()

    def _accept(self, form: forms.BaseForm) -> bool:
        """Run ``form_valid`` for a submit that passed the check. A subclass that hands the form
        more than the input (LiveUploadForm: the files) may refuse it here: it shows why and
        returns False."""
        self.form_valid(form)
        return True

    def _stale(self, form_round: int | None) -> bool:
        # An event made before the last successful submit (a debounced keystroke, a double
        # click) must not refill or resubmit the form that was just reset.
        return form_round is not None and form_round != self.submitted

    def _take(self, values: dict[str, Any]) -> None:
        fields = list(self.base)  # the form's fields, as `reset` found them
        for name in fields:
            if name in values:
                self.data[name] = values[name]
        changed = {n for n in fields if n in values and values[n] != self.base.get(n)}
        self.touched = sorted({*self.touched, *changed})


def _shown(value: Any) -> Any:
    return "" if value is None else value


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors as ``{field: [message, ...]}``, the form's own under ``"form"``.

    Templates cannot read ``__all__`` (a name starting with ``_``), hence ``"form"``.
    """
    data = form.errors.get_json_data()
    return {
        ("form" if field == "__all__" else field): [error["message"] for error in errors]
        for field, errors in data.items()
    }
