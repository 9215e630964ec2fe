"""The alerts page (with the detail modal open at /alerts/<id>/), and the plain-HTTP posts its
forms fall back to without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from liveview.upload_views import limit_uploads, uploads_valid
from project.alerts.forms import AlertForm
from project.alerts.models import Alert
from project.alerts.uploads import UPLOADS


@require_GET
def alerts_page(request: HttpRequest, open: int | None = None) -> HttpResponse:
    """The list; with `open` (the URL's), its alert's details in the modal, rendered open."""
    if open is not None and not Alert.objects.filter(pk=open).exists():
        raise Http404("No such alert")
    return render(request, "alerts/page.html")


@require_POST
@limit_uploads(UPLOADS)
def create_alert(request: HttpRequest) -> HttpResponse:
    """The create form without JavaScript: the same Django form, with its attachment read
    under the live upload's rules (a refused file is dropped as it arrives, its error shown)."""
    form = AlertForm(request.POST, request.FILES)
    if not uploads_valid(request, form):
        return render(request, "alerts/page.html", {"form": form}, status=400)
    alert = form.save()
    messages.success(request, f"Alert “{alert.title}” created.")
    return redirect("alerts:index")


@require_POST
def delete_alert(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete without JavaScript: first the question the live button asks in a dialog, then,
    from that page's own form (`confirmed`), the deletion."""
    alert = get_object_or_404(Alert, pk=pk)
    if request.POST.get("confirmed") != "yes":
        return render(request, "alerts/delete_confirm.html", {"alert": alert})
    alert.delete()
    messages.success(request, f"Alert “{alert.title}” deleted.")
    return redirect("alerts:index")
