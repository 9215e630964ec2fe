from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def counter_page(request: HttpRequest) -> HttpResponse:
    return render(request, "counter/page.html")
