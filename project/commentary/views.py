"""Pages of the commentary demo, and the plain-HTTP post its form falls back to without JS."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from project.commentary.forms import CommentForm
from project.commentary.models import Event


@require_GET
def event_index(request: HttpRequest) -> HttpResponse:
    return render(request, "commentary/index.html")


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    return render(request, "commentary/detail.html", {"event": event})


@require_POST
def post_comment(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render(request, "commentary/detail.html", {"event": event, "form": form}, status=400)
    form.instance.event = event
    form.save()
    return redirect(event)
