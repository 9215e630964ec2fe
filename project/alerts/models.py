"""Alerts: the CRUD app of issue 16 (create, list, details at their own URL, delete)."""

from __future__ import annotations

from django.db import models

from liveview.resources import LiveResource


class Alert(LiveResource):
    class Severity(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        CRITICAL = "critical", "Critical"

    title = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    created_at = models.DateTimeField(auto_now_add=True)
    attachment = models.FileField(blank=True, upload_to="alerts/")

    resource_collection = "/alerts/"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/alerts/{self.pk}/"
