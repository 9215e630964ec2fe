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


#: What the XSS tests mount on the first HTTP render: every payload, in text and in a link.
PAYLOADS = (
    '<script>alert("script")</script> | "><img src=x onerror=alert("img")> | '
    '</template><img src=x onerror=alert("template")> | javascript:alert("js")'
)
SCRIBBLE = """{% load liveview %}<!doctype html><html><head><title>xss</title></head><body>
{% component "test_scribble" text=payloads link="javascript:alert('link')" / %}
{% component "test_goto" / %}
{% liveview_scripts %}</body></html>"""


def scribble(request: HttpRequest) -> HttpResponse:
    template = Engine.get_default().from_string(SCRIBBLE)
    return HttpResponse(template.render(RequestContext(request, {"payloads": PAYLOADS})))


STREAMS = """{% load liveview %}<!doctype html><html><head><title>streams</title></head><body>
{% component "test_stream_board" / %}
{% liveview_scripts %}</body></html>"""


def streams(request: HttpRequest) -> HttpResponse:
    template = Engine.get_default().from_string(STREAMS)
    return HttpResponse(template.render(RequestContext(request)))


urlpatterns = [path("bindings/", bindings), path("scribble/", scribble), path("streams/", streams)]
