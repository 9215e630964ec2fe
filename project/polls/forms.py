from __future__ import annotations

from django import forms

from project.polls.models import Poll


class PollForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Poll
        fields = ["question"]


class VoteForm(forms.Form):
    choice = forms.IntegerField()
