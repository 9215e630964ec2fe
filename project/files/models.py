"""The files demo: a title and a file, stored through Django's storage API."""

from __future__ import annotations

from django.db import models


class SharedFile(models.Model):
    title = models.CharField(max_length=80)
    file = models.FileField(upload_to="shared/")
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added", "-pk"]

    def __str__(self) -> str:
        return self.title
