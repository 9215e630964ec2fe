"""The stream table page the data tests open with a LiveClient (``pytest.mark.urls``)."""

from __future__ import annotations

from django.urls import URLPattern

from liveview.data import page_path
from tests.data.pages import EditableStream

urlpatterns: list[URLPattern] = [page_path("stream/", EditableStream, name="stream")]
