"""Pages of one guarded component each, for the HTTP side of the authorization tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import Engine, RequestContext
from django.urls import path

PAGE = """{% load liveview %}<!doctype html><html><body>
{% component "NAME" / %}
{% liveview_scripts %}</body></html>"""


def guarded(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ("test_members_only", "test_editors_only", "test_guarded_events"):
        return HttpResponse(status=404)
    template = Engine.get_default().from_string(PAGE.replace("NAME", name))
    return HttpResponse(template.render(RequestContext(request)))


urlpatterns = [path("guarded/<str:name>/", guarded)]
