"""Pages of the client's test components, one per URL, plus a page with nothing live."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import Engine, RequestContext
from django.urls import path

import tests.testing.components  # noqa: F401  (registers the components)

PAGE = """{%% load liveview %%}<!doctype html><html><head><title>t</title></head><body>
%s
{%% liveview_scripts %%}</body></html>"""

PAGES = {
    "form": '{% component "testing_form" / %}',
    "inputs": '{% component "testing_inputs" / %}',
    "clicks": '{% component "testing_clicks" / %}',
    "greeters": '{% component "test_greeter" / %}{% component "test_greeter" / %}',
    "goto": '{% component "test_goto" / %}',
    "watch": '{% component "test_watcher" uri="/testing/thing/" / %}',
    "whoami": '{% component "testing_whoami" / %}',
    "question": '{% component "testing_poll_question" pk=request.GET.pk|add:0 / %}',
    "static": "<p>Nothing live here.</p>",
}


def page(request: HttpRequest, name: str) -> HttpResponse:
    template = Engine.get_default().from_string(PAGE % PAGES[name])
    return HttpResponse(template.render(RequestContext(request)))


def moved(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect("/testing/static/")


urlpatterns = [path("testing/<str:name>/", page), path("moved/", moved)]
