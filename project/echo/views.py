from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def echo_page(request: HttpRequest) -> HttpResponse:
    return render(request, "echo/page.html")
