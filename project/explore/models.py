"""A sample of the explore demo: a resource at /samples/<id>, so every page sees writes."""

from __future__ import annotations

from django.db import models

from liveview.resources import LiveResource


class Sample(LiveResource):
    name = models.CharField(max_length=20)
    species = models.CharField(max_length=20)
    bill_length = models.FloatField("bill length (mm)")
    body_mass = models.IntegerField("body mass (g)")

    resource_collection = "/samples/"

    def __str__(self) -> str:
        return self.name
