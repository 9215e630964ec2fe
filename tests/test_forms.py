"""LiveForm: the form's own validation shows the errors, disables submit and guards it."""

from __future__ import annotations

from typing import Any

from django import forms
from django_components import register

from liveview.batteries.forms import LiveForm, form_errors
from liveview.runtime.page import Page


class SignupForm(forms.Form):
    username = forms.CharField(max_length=8)
    email = forms.EmailField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("username") == "root":
            raise forms.ValidationError("Pick another name.")
        return data


@register("test_signup_form")
class Signup(LiveForm):
    template = (
        "<form>{{ errors }}|{% if submit_disabled %}disabled{% endif %}|{{ data.username }}</form>"
    )
    form_class = SignupForm
    received: list[dict[str, Any]] = []

    def form_valid(self, form: forms.BaseForm) -> None:
        self.received.append(form.cleaned_data)


def open_form(*, connected: bool = True) -> tuple[Page, Signup]:
    page = Page(connected=connected)
    comp = page.mount("test_signup_form", "lv-1", {})
    page.render(comp, oob=True)
    assert isinstance(comp, Signup)
    return page, comp


def test_a_fresh_form_shows_no_errors_and_is_invalid() -> None:
    _, form = open_form()
    assert form.errors == {} and not form.valid


def test_an_error_shows_only_for_a_field_the_user_changed() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "validate", {"username": "much too long", "email": ""})
    assert list(form.errors) == ["username"]
    assert "at most 8 characters" in form.errors["username"][0]


def test_a_field_cleared_after_typing_shows_required() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "validate", {"email": "a@"})
    page.dispatch("lv-1", "validate", {"email": ""})
    assert form.errors == {"email": ["This field is required."]}


def test_fixing_the_input_removes_the_error_and_makes_the_form_valid() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "validate", {"username": "ann", "email": "nope"})
    assert "email" in form.errors
    frame = page.dispatch("lv-1", "validate", {"email": "ann@example.com"})
    assert form.errors == {} and form.valid
    assert frame is not None and "|disabled|" not in frame


def test_submit_is_disabled_while_invalid_on_a_live_page() -> None:
    page, _ = open_form()
    assert "|disabled|" in page.render_all()


def test_submit_is_not_disabled_without_a_socket() -> None:
    page, _ = open_form(connected=False)
    assert "|disabled|" not in page.render_all()  # a page without JavaScript can still post


def test_an_invalid_submit_shows_every_error_and_does_not_run_form_valid() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "submit", {"username": "ann", "email": ""})
    assert form.errors == {"email": ["This field is required."]}
    assert form.received == [] and form.submitted == 0 and form.data["username"] == "ann"


def test_a_form_wide_error_shows_under_form() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "submit", {"username": "root", "email": "r@example.com"})
    assert form.errors == {"form": ["Pick another name."]} and form.received == []


def test_a_valid_submit_runs_form_valid_with_cleaned_data_and_resets() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "submit", {"username": " ann ", "email": "ann@example.com"})
    assert form.received == [{"username": "ann", "email": "ann@example.com"}]
    assert form.submitted == 1 and form.data == {"username": "", "email": ""}
    assert form.errors == {} and form.touched == []


def test_fields_the_form_does_not_have_are_ignored() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "validate", {"username": "ann", "is_admin": "1"})
    assert set(form.data) == {"username", "email"}


def test_form_errors_puts_the_forms_own_errors_under_form() -> None:
    bound = SignupForm(data={"username": "root", "email": "x"})
    assert not bound.is_valid()
    assert form_errors(bound) == {
        "email": ["Enter a valid email address."],
        "form": ["Pick another name."],
    }


def test_an_event_made_before_the_last_submit_is_ignored() -> None:
    page, form = open_form()
    page.dispatch("lv-1", "submit", {"username": "ann", "email": "a@x.io", "form_round": "0"})
    # A debounced keystroke sent before the submit's answer arrived: it must not refill the form.
    page.dispatch("lv-1", "validate", {"username": "ann", "form_round": "0"})
    assert form.data == {"username": "", "email": ""} and form.touched == []


def test_a_double_submit_runs_form_valid_once() -> None:
    page, form = open_form()
    values = {"username": "ann", "email": "a@x.io", "form_round": "0"}
    page.dispatch("lv-1", "submit", values)
    page.dispatch("lv-1", "submit", values)
    assert len(form.received) == 1 and form.submitted == 1
