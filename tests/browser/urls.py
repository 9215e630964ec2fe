"""A test-only page of live components the demos do not show: keys, loading, errors, nesting."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import Engine, RequestContext
from django.urls import path

PAGE = """{% load liveview %}<!doctype html><html><head><title>bindings</title></head><body>
{% component "test_keys" / %}
{% component "test_slow" / %}
{% component "test_greeter" / %}
{% component "test_parent" / %}
{% liveview_scripts %}</body></html>"""


def bindings(request: HttpRequest) -> HttpResponse:
    template = Engine.get_default().from_string(PAGE)
    return HttpResponse(template.render(RequestContext(request)))


urlpatterns = [path("bindings/", bindings)]
