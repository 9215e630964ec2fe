"""The files demo's live form: a title and up to three files, uploaded with progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django_components import register

from liveview.upload_form import LiveUploadForm
from project.files.forms import UPLOADS, SharedFileForm
from project.files.models import SharedFile


@register("shared_file_form")
class SharedFileFormComponent(LiveUploadForm):
    """Each chosen file is uploaded at once (progress, preview, Cancel); Share stores one
    SharedFile per file, all with the title. Without JavaScript the form posts to /files/."""

    template_name = "files/shared_file_form.html"
    form_class = SharedFileForm
    uploads = UPLOADS

    def extra_context(self) -> dict[str, Any]:
        shared = [{"title": f.title, "name": f.file.name, "url": f.file.url} for f in recent()]
        return {**super().extra_context(), "shared": shared}

    def form_valid(self, form: forms.BaseForm) -> None:
        save_all(form, form.files.getlist("file"))


def recent() -> list[SharedFile]:
    return list(SharedFile.objects.all()[:10])


def save_all(form: forms.BaseForm, files: list[Any]) -> None:
    """One SharedFile per file, each with the form's title."""
    for upload in files:
        SharedFile.objects.create(title=form.cleaned_data["title"], file=upload)
