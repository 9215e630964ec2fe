from __future__ import annotations

from django import forms

from project.commentary.models import Comment


class CommentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Comment
        fields = ["name", "body"]
        labels = {"name": "Name", "body": "Comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
