from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from project.dashboard.jobs import feature_selection


def dashboard_page(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/page.html", {"job_name": feature_selection.name})
