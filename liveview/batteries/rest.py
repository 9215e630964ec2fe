# The resources as JSON over HTTP: ETag/If-None-Match/If-Match, writes through a ModelForm and
# save_if_match, so a PUT publishes like any other save. docs/rest.md is the user's guide.
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.forms import ModelForm
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotModified,
    JsonResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import URLPattern, path
from django.utils.http import parse_etags, quote_etag
from django.views.decorators.csrf import csrf_exempt

from liveview.batteries.rest_auth import basic_enabled, basic_login
from liveview.pubsub.resources import LiveResource, StaleResource, delete_if_match, save_if_match

M = TypeVar("M", bound=LiveResource)
Handler = Callable[[HttpRequest, Any], HttpResponse]

SAFE_METHODS = frozenset({"GET", "HEAD"})
#: The largest `?offset=`: with the page's limit added it stays within a 64-bit SQL integer.
MAX_OFFSET = 2**62


def error(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


class _CsrfCheck(CsrfViewMiddleware):
    # Django's own CSRF check, run by the view: the view is csrf_exempt only so that requests
    # carrying Basic credentials (not ambient browser state) can skip it.
    def _reject(self, request: HttpRequest, reason: str) -> HttpResponseForbidden:
        body = json.dumps({"error": f"CSRF check failed: {reason}"})
        return HttpResponseForbidden(body, content_type="application/json")


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    check = _CsrfCheck(lambda request: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda request: HttpResponse(), (), {})


class ResourceAPI(Generic[M]):
    """A JSON API over one LiveResource model: ``urlpatterns = ResourceAPI(Poll, PollForm).urls``.

    Mount it with ``path("api/polls/", include(api.urls))``: the collection at ``api/polls/``, each
    item at ``api/polls/<pk>``. Writes need the model's add/change/delete permission.
    """

    def __init__(
        self,
        model: type[M],
        form_class: type[ModelForm[M]],
        *,
        create_form_class: type[ModelForm[M]] | None = None,
        queryset: models.QuerySet[M] | None = None,
        read_permission: str | None = None,
        add_permission: str | None = None,
        change_permission: str | None = None,
        delete_permission: str | None = None,
        page_size: int = 100,
        basic_auth: bool | None = None,
    ) -> None:
        opts = model._meta
        self.model = model
        self.form_class = form_class
        self.create_form_class = create_form_class or form_class
        self.queryset = queryset if queryset is not None else model._default_manager.all()
        perm = f"{opts.app_label}.%s_{opts.model_name}"
        self.permissions: dict[str, str | None] = {
            "GET": read_permission,
            "POST": add_permission or perm % "add",
            "PUT": change_permission or perm % "change",
            "PATCH": change_permission or perm % "change",
            "DELETE": delete_permission or perm % "delete",
        }
        self.page_size = page_size
        self.basic_auth = basic_auth

    @property
    def urls(self) -> list[URLPattern]:
        name = f"{self.model._meta.app_label}-{self.model._meta.model_name}"
        return [
            path("", self.collection_view, name=f"{name}-collection"),
            path("<str:pk>", self.item_view, name=f"{name}-item"),
        ]

    # -- dispatch ------------------------------------------------------------------------------

    @csrf_exempt  # only to run Django's CSRF check itself, after authentication (_dispatch)
    def collection_view(self, request: HttpRequest) -> HttpResponse:
        return self._dispatch(request, {"GET": self.index, "POST": self.create}, None)

    @csrf_exempt
    def item_view(self, request: HttpRequest, pk: str) -> HttpResponse:
        handlers: dict[str, Handler] = {
            "GET": self.show,
            "PUT": self.replace,
            "PATCH": self.update,
            "DELETE": self.destroy,
        }
        return self._dispatch(request, handlers, pk)

    def _dispatch(
        self, request: HttpRequest, handlers: dict[str, Handler], pk: Any
    ) -> HttpResponse:
        method = request.method or "GET"
        handler = handlers.get("GET" if method == "HEAD" else method)
        if handler is None:
            allowed = ", ".join([*handlers, "HEAD"])
            response = error(405, f"{method} is not allowed here; use {allowed}")
            response["Allow"] = allowed
            return response
        by_header, refusal = self._authenticate(request)
        if refusal is not None:
            return refusal
        # CSRF guards ambient credentials: a session cookie, not a header or no login at all.
        if method not in SAFE_METHODS and not by_header and request.user.is_authenticated:
            refusal = _csrf_refusal(request)
            if refusal is not None:
                return refusal
        permission = self.permissions["GET" if method == "HEAD" else method]
        if permission is not None and not request.user.has_perm(permission):
            # 403, not 401, for anonymous users too: a 401 must carry a challenge, and a Basic
            # challenge would make browsers pop a login dialog over the live pages.
            anonymous = ""
            if not request.user.is_authenticated:
                basic = basic_enabled(self.basic_auth)
                anonymous = "; log in or use Basic auth" if basic else "; log in"
            return error(403, f"{permission} is required{anonymous}")
        return handler(request, pk)

    def _authenticate(self, request: HttpRequest) -> tuple[bool, HttpResponse | None]:
        """(authenticated by the Authorization header?, the 401/429 refusal of its credentials)."""
        if not basic_enabled(self.basic_auth):
            return False, None
        return basic_login(request)

    # -- handlers ------------------------------------------------------------------------------

    def index(self, request: HttpRequest, pk: None) -> HttpResponse:
        try:
            limit = min(int(request.GET.get("limit", self.page_size)), self.page_size)
            offset = int(request.GET.get("offset", 0))
        except ValueError:
            return error(400, "limit and offset must be integers")
        if limit < 1 or offset < 0:
            return error(400, "limit must be at least 1 and offset at least 0")
        if offset > MAX_OFFSET:  # past a 64-bit SQL integer, the database would raise
            return error(400, f"offset must be at most {MAX_OFFSET}")
        queryset = self.queryset.all()
        if not queryset.ordered:
            queryset = queryset.order_by("pk")  # pages need a stable order
        rows = list(queryset[offset : offset + limit + 1])
        response = JsonResponse([row.to_json() for row in rows[:limit]], safe=False)
        if len(rows) > limit:
            query = urlencode({"limit": limit, "offset": offset + limit})
            response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query}>; rel="next"'
        return response

    def create(self, request: HttpRequest, pk: None) -> HttpResponse:
        data = _json_object(request)
        if isinstance(data, HttpResponse):
            return data
        form = self.create_form_class(data=data)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        with transaction.atomic(using=router.db_for_write(self.model)):
            instance = form.save()
        response = self._representation(instance, status=201)
        response["Location"] = request.build_absolute_uri(f"{request.path}{instance.pk}")
        return response

    def show(self, request: HttpRequest, pk: str) -> HttpResponse:
        instance = self._get(pk)
        if instance is None:
            return error(404, f"no such {self.model._meta.verbose_name}")
        etag = quote_etag(instance.etag)
        wanted = parse_etags(request.headers.get("If-None-Match", ""))
        # Weak comparison, as RFC 9110 asks for If-None-Match.
        if wanted == ["*"] or etag in [e.removeprefix("W/") for e in wanted]:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        return self._representation(instance)

    def replace(self, request: HttpRequest, pk: str) -> HttpResponse:
        return self._write(request, pk, merge=False)

    def update(self, request: HttpRequest, pk: str) -> HttpResponse:
        return self._write(request, pk, merge=True)

    def destroy(self, request: HttpRequest, pk: str) -> HttpResponse:
        instance = self._get_matching(request, pk)
        if isinstance(instance, HttpResponse):
            return instance
        try:
            delete_if_match(instance, instance.etag)
        except StaleResource as stale:
            return _stale(stale)
        return HttpResponse(status=204)

    # -- helpers -------------------------------------------------------------------------------

    def _write(self, request: HttpRequest, pk: str, *, merge: bool) -> HttpResponse:
        instance = self._get_matching(request, pk)
        if isinstance(instance, HttpResponse):
            return instance
        data = _json_object(request)
        if isinstance(data, HttpResponse):
            return data
        if merge:
            # PATCH: the current values as the form would show them, overlaid with the request's.
            current = self.form_class(instance=instance)
            data = {name: current[name].value() for name in current.fields} | data
        form = self.form_class(data=data, instance=instance)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        etag = instance.etag
        try:
            with transaction.atomic(using=router.db_for_write(self.model, instance=instance)):
                # The conditional UPDATE inside save_if_match is the real check: a write that
                # landed since _get_matching makes this a 412, never an overwrite.
                save_if_match(form.save(commit=False), etag)
                form.save_m2m()
        except StaleResource as stale:
            return _stale(stale)
        return self._representation(instance)

    def _get(self, pk: str) -> M | None:
        try:
            key = self.model._meta.pk.to_python(pk)
        except ValidationError:
            return None  # "abc" for an integer key is a missing resource, not a server error
        return self.queryset.filter(pk=key).first()

    def _get_matching(self, request: HttpRequest, pk: str) -> M | HttpResponse:
        """The instance when If-Match names its current ETag, else the refusal (404/428/412)."""
        instance = self._get(pk)
        if instance is None:
            return error(404, f"no such {self.model._meta.verbose_name}")
        header = request.headers.get("If-Match")
        if header is None:
            return error(428, "If-Match is required: send the ETag you last read")
        wanted = parse_etags(header)
        if not wanted:
            return error(400, f"If-Match is not a list of quoted ETags: {header!r}")
        # Strong comparison for If-Match; "*" means "whatever version is there when I load it".
        if wanted != ["*"] and quote_etag(instance.etag) not in wanted:
            return _stale(StaleResource(instance.uri, header, instance.etag))
        return instance

    def _representation(self, instance: M, status: int = 200) -> JsonResponse:
        response = JsonResponse(instance.to_json(), status=status)
        response["ETag"] = quote_etag(instance.etag)
        return response


def _json_object(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    """The request body as a JSON object, else the 400 that says why."""
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        return error(400, f"send Content-Type: application/json, not {content_type!r}")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        return error(400, f"the body is not JSON: {exc}")
    except RecursionError:
        return error(400, "the body is not JSON this API reads: it nests too deeply")
    if not isinstance(data, dict):
        return error(400, "the body must be a JSON object of field values")
    return data


def _stale(stale: StaleResource) -> JsonResponse:
    message = "the resource has changed: GET it again, reapply your change and retry"
    response = error(412, message, etag=stale.current)
    if stale.current is not None:
        response["ETag"] = quote_etag(stale.current)
    return response
