from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

DEMOS = [
    ("/counter/", "Counter", "Two independent counters; state lives on the server."),
    ("/calculator/", "Calculator", "Evaluates an expression as you type, safely."),
    ("/echo/", "Echo", "Sends a message over the socket and lists the echoes."),
    ("/polls/", "Polls", "Live vote totals in every browser; edits that never overwrite silently."),
    ("/events/", "Live commentary", "A comment feed broadcast to everyone watching an event."),
    ("/dashboard/", "Dashboard", "Run feature selection as a background job; watch it live."),
    (
        "/explore/",
        "Explore",
        "A table and charts composed in Python; add a sample, see it everywhere.",
    ),
    ("/files/", "Files", "Share files: each one uploads with progress, a preview and Cancel."),
    (
        "/alerts/",
        "Alerts",
        "Create, list, open and delete alerts: validated form, a modal at its own URL, "
        "confirmations, flash messages, toasts and who else is viewing.",
    ),
    ("/liveview/", "Inspector", "Staff only: this process's connections, events and render times."),
]


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "home/index.html", {"demos": DEMOS})
