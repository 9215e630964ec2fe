"""The files demo's page, and the plain-HTTP post its form falls back to without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from liveview.upload_views import limit_uploads, uploads_valid
from project.files.components.files import save_all
from project.files.forms import UPLOADS, SharedFileForm


@require_http_methods(["GET", "POST"])
@limit_uploads(UPLOADS)
def files_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "files/index.html")
    form = SharedFileForm(request.POST, request.FILES)
    if not uploads_valid(request, form):
        return render(request, "files/index.html", {"form": form}, status=400)
    save_all(form, request.FILES.getlist("file"))
    return redirect("files")
