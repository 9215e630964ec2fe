"""The polls as JSON at /api/polls/: reads are public, writes need polls.add/change/delete_poll."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from liveview.rest import ResourceAPI
from project.polls.forms import PollForm
from project.polls.models import Choice, Poll

MAX_CHOICES = 20


class ChoicesField(forms.Field):
    """A JSON list of strings: the texts of a new poll's choices."""

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        if not isinstance(value, list) or not all(isinstance(text, str) for text in value):
            raise ValidationError("Give the choices as a list of strings.", code="invalid")
        return [text.strip() for text in value]

    def validate(self, value: Any) -> None:
        super().validate(value)
        max_length = Choice._meta.get_field("text").max_length or 0
        if len(value) > MAX_CHOICES:
            raise ValidationError(f"At most {MAX_CHOICES} choices.", code="max_choices")
        if any(not text or len(text) > max_length for text in value):
            message = f"Each choice needs 1 to {max_length} characters."
            raise ValidationError(message, code="choice_length")


class PollCreateForm(PollForm):
    # Choices only on create: a PUT that replaced them would throw their votes away.
    choices = ChoicesField(required=False)

    def save(self, commit: bool = True) -> Poll:
        if not commit:
            raise NotImplementedError("PollCreateForm saves the poll and its choices together")
        poll: Poll = super().save()
        Choice.objects.bulk_create(Choice(poll=poll, text=t) for t in self.cleaned_data["choices"])
        return poll


polls = ResourceAPI(
    Poll,
    PollForm,
    create_form_class=PollCreateForm,
    queryset=Poll.objects.prefetch_related("choices"),
)
urlpatterns = polls.urls
