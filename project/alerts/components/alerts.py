"""The alerts demo's live components: the create form, the list with its detail modal (at its own
URL, /alerts/<id>/, through `url_state`), the toasts for other people's changes and who else is
viewing.

The person who acts sees a flash message (`self.live.flash`); everyone else sees a toast, told
from the actor's own write by `self.live.is_mine(change)`. The form tells the list which alert
it just made (`notify`/`@listens`), and the list marks that row.
"""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any

from django import forms
from django.contrib import messages
from django_components import register

from liveview import LiveComponent, event
from liveview.notify import listens
from liveview.presence import Presence, presence_of
from liveview.resources import ResourceChanged, Subscription
from liveview.upload_form import LiveUploadForm
from project.alerts.forms import AlertForm
from project.alerts.models import Alert
from project.alerts.uploads import UPLOADS

#: How long a toast about someone else's change stays, in seconds.
TOAST_SECONDS = 6.0
#: The most toasts shown at once (the oldest go first).
MAX_TOASTS = 5


@register("alert_form")
class AlertFormComponent(LiveUploadForm):
    """Title, Description, Severity, validated as the user types, and an Attachment uploaded
    as soon as it is chosen (progress, preview, Cancel); `form.save()` stores it under
    alerts/. Without JavaScript the same form posts to /alerts/new/, file included, under the
    same rules (UPLOADS)."""

    template_name = "alerts/alert_form.html"
    form_class = AlertForm
    uploads = UPLOADS

    def extra_context(self) -> dict[str, Any]:
        return {**super().extra_context(), "severities": Alert.Severity.choices}

    def form_valid(self, form: forms.BaseForm) -> None:
        alert = form.save()  # type: ignore[attr-defined]
        self.live.flash(f"Alert “{alert.title}” created.", level=messages.SUCCESS)
        self.live.notify("alert-created", pk=alert.pk)


@register("alert_list")
class AlertList(LiveComponent):
    """Every alert, newest first, and the one open in a modal: `open` is in the address
    (/alerts/<open>/, the URL pattern captures it), so the modal has its own URL, back closes
    it, and a reload (or a page without JavaScript) opens it again."""

    template_name = "alerts/alert_list.html"
    url_state = ("open",)
    open: int | None = None
    #: The alert this page just created (told by the form): marked in the list.
    mine: int | None = None

    def mount(self) -> None:
        self.alerts = list(Alert.objects.values("id", "title", "severity", "created_at"))

    def subscriptions(self) -> list[Subscription]:
        return [Alert]

    def extra_context(self) -> dict[str, Any]:
        shown = Alert.objects.filter(pk=self.open).first() if self.open is not None else None
        return {"shown": shown, "attachment": _attachment(shown)}

    @event
    def show(self, pk: int) -> None:
        self.open = pk
        self.live.push_url(f"/alerts/{pk}/")

    @event
    def close(self) -> None:
        self.open = None
        self.live.push_url("/alerts/")

    @event
    def delete(self, pk: int) -> None:
        alert = Alert.objects.filter(pk=pk).first()
        if alert is None:
            self.live.flash("That alert was already deleted.", level=messages.WARNING)
        else:
            alert.delete()
            self.live.flash(f"Alert “{alert.title}” deleted.", level=messages.SUCCESS)
        if self.open == pk:
            self.open = None
            self.live.push_url("/alerts/")

    @listens("alert-created")
    def mark_mine(self, pk: int) -> None:
        self.mine = pk


@register("alert_toasts")
class AlertToasts(LiveComponent):
    """A short note when someone else creates or deletes an alert (never for this page's own
    writes: those get a flash message), gone after a few seconds."""

    template_name = "alerts/alert_toasts.html"
    toasts: list[dict[str, Any]] = []
    made: int = 0

    def subscriptions(self) -> list[Subscription]:
        return [Alert]

    def resource_changed(self, change: ResourceChanged) -> None:
        if self.live.is_mine(change) or change.uri == change.collection:
            return  # our own write, or a catch-up after a (re)connect: nothing to tell
        text = _toast_text(change)
        if text is None:
            return
        self.made += 1
        self.toasts = [*self.toasts, {"id": self.made, "text": text}][-MAX_TOASTS:]
        self.live.after(TOAST_SECONDS, self.dismiss, toast=self.made)

    @event
    def dismiss(self, toast: int) -> None:
        self.toasts = [t for t in self.toasts if t["id"] != toast]


def _attachment(alert: Alert | None) -> dict[str, Any] | None:
    """The detail modal's attachment: its storage URL, its base name, and whether it is an
    image (the upload rules store it under an extension that matches its sniffed type)."""
    if alert is None or not alert.attachment:
        return None
    name = alert.attachment.name or ""
    kind = mimetypes.guess_type(name)[0] or ""
    return {
        "url": alert.attachment.url,
        "name": posixpath.basename(name),
        "is_image": kind.startswith("image/"),
    }


def _toast_text(change: ResourceChanged) -> str | None:
    if change.method == "DELETE":
        return "Someone deleted an alert."
    pk = change.uri.rstrip("/").rsplit("/", 1)[-1]
    alert = Alert.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if alert is None:
        return None
    if change.method == "POST":
        return f"Someone created “{alert.title}”."
    return f"Someone changed “{alert.title}”."


@register("alert_viewers")
class AlertViewers(LiveComponent):
    """Who else has the alerts open: names for a logged-in visitor, a count for a guest."""

    template_name = "alerts/alert_viewers.html"

    def subscriptions(self) -> list[Subscription]:
        return [presence_of(Alert)]

    def extra_context(self) -> dict[str, Presence]:
        return {"viewers": self.live.present(Alert)}
