# `path("liveview/", include("liveview.urls"))`: the staff inspector.
from __future__ import annotations

from django.urls import path

from liveview.views import inspector

app_name = "liveview"

urlpatterns = [path("", inspector, name="inspector")]
