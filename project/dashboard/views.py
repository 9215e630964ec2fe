from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from project.dashboard.jobs import feature_selection
from project.dashboard.summary import summary_rows


def dashboard_page(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/page.html", {"job_name": feature_selection.name})


def summary_page(request: HttpRequest) -> HttpResponse:
    """The lazy summary's page without JavaScript (its placeholder links here)."""
    return render(request, "dashboard/summary_page.html", {"rows": summary_rows()})
