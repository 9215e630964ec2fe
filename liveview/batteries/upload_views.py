# The HTTP side of uploads: the view a live page's files are uploaded to (one file per request,
# authorised by the signed URL, for the session that rendered the page), its cancel, and
# `limit_uploads` for the plain view a form without JavaScript posts to.
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from liveview.batteries.upload_handler import LimitedUploadHandler
from liveview.batteries.uploads import TempUpload, Ticket, Upload, UploadRefused, store
from liveview.http.static_render import binding_for_request

#: The multipart field the glue sends each file in.
FILE_FIELD = "file"

_View = Callable[..., HttpResponse]


@csrf_exempt  # checked below, once the upload handler is in place
def upload(request: HttpRequest, ticket: str) -> HttpResponse:
    """POST: one file for the ticket's field, kept in the temporary area; answers its id.
    DELETE ``?id=``: cancel, the temporary file is deleted. Errors answer ``{"error": ...}``."""
    try:
        allowed = Ticket.verify(ticket)
        if not allowed.binding.admits(binding_for_request(request)):
            raise UploadRefused("This upload link belongs to another session.", 403)
        if request.method == "DELETE":
            return csrf_protect(_cancel)(request, allowed)
        if request.method != "POST":
            return JsonResponse({"error": "POST a file, or DELETE an upload."}, status=405)
        handler = LimitedUploadHandler(request, {FILE_FIELD: replace(allowed.rule, max_files=1)})
        request.upload_handlers = [handler]
        return csrf_protect(_receive)(request, allowed, handler)
    except UploadRefused as exc:
        return JsonResponse({"error": exc.message}, status=exc.status)


def _receive(request: HttpRequest, ticket: Ticket, handler: LimitedUploadHandler) -> HttpResponse:
    files = request.FILES.getlist(FILE_FIELD)
    for messages in handler.errors.values():
        raise UploadRefused(messages[0], handler.status)
    if len(files) != 1:
        raise UploadRefused("Send one file, in the field 'file'.")
    try:
        entry = store(files[0], ticket)
    finally:
        files[0].close()
    body = {"id": entry.id, "name": entry.name, "size": entry.size, "type": entry.content_type}
    return JsonResponse(body, status=201)


def _cancel(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    signed = request.GET.get("id", "")
    TempUpload.verify(signed, ticket.page, ticket.component, ticket.field).discard()
    return HttpResponse(status=204)


def limit_uploads(rules: Mapping[str, Upload]) -> Callable[[_View], _View]:
    """Decorate the plain view a form posts to without JavaScript: its files are read under
    the same rules as the live uploads (each refused file is dropped before it is stored and
    its error kept for `uploads_valid`); CSRF is still checked."""

    def decorate(view: _View) -> _View:
        protected = csrf_protect(view)

        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            handler = LimitedUploadHandler(request, rules)
            request.upload_handlers = [handler]
            request._liveview_upload_errors = handler.errors  # type: ignore[attr-defined]
            try:
                return protected(request, *args, **kwargs)
            except UploadRefused as exc:  # the whole body is over every limit: not read
                return HttpResponse(exc.message, status=exc.status, content_type="text/plain")

        return wrapped

    return decorate


def uploads_valid(request: HttpRequest, form: forms.BaseForm) -> bool:
    """Validate `form` and add the errors of the files `limit_uploads` refused to it:
    whether it is valid and every file was taken."""
    valid = form.is_valid()
    errors: dict[str, list[str]] = getattr(request, "_liveview_upload_errors", {})
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    return valid and not errors
