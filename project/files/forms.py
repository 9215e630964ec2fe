from __future__ import annotations

from django import forms

from liveview.uploads import Upload
from project.files.models import SharedFile

#: What the file field takes, live or posted without JavaScript.
UPLOADS = {
    "file": Upload(
        max_size=2 * 1024 * 1024,
        accept=("image/png", "image/jpeg", "image/gif", "application/pdf", "text/plain"),
        max_files=3,
    )
}


class SharedFileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SharedFile
        fields = ["title", "file"]
