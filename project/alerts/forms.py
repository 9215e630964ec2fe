from __future__ import annotations

from django import forms

from project.alerts.models import Alert


class AlertForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Alert
        fields = ["title", "description", "severity", "attachment"]

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if len(title) < 3:
            raise forms.ValidationError("Give the alert a title of at least 3 characters.")
        return title
