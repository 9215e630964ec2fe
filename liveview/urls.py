# `path("liveview/", include("liveview.urls"))`: the staff inspector, and the hop that stores a
# redirect's flash messages (flash.py), and the URL live forms upload files to (uploads.md).
from __future__ import annotations

from django.urls import path

from liveview.batteries.upload_views import upload
from liveview.http.views import inspector
from liveview.runtime.flash import hop

app_name = "liveview"

urlpatterns = [
    path("", inspector, name="inspector"),
    path("flash/<str:blob>/", hop, name="flash"),
    path("upload/<str:ticket>/", upload, name="upload"),
]
