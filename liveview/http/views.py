# The staff inspector's page. Anyone else gets a 404, as if it were not there.
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from liveview.authoring.authz import is_staff


def inspector(request: HttpRequest) -> HttpResponse:
    """This process's live numbers, updated every second (see docs/inspector.md)."""
    if not is_staff(getattr(request, "user", None)):
        raise Http404("Page not found")
    return render(request, "liveview/inspector_page.html")
