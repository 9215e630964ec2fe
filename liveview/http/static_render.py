# The first, plain-HTTP render of a live page (Phoenix calls it "static"): the request's Page,
# the {% component %} tag's hook for live components, and what the page token is bound to.
from __future__ import annotations

from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.http import HttpRequest
from django.middleware.csrf import get_token

from liveview.authoring.component import LiveComponent
from liveview.core.token import Binding
from liveview.runtime.page import Handle, Page

_REQUEST_ATTR = "_liveview_page"


def page_for_request(request: HttpRequest) -> Page:
    page: Page | None = getattr(request, _REQUEST_ATTR, None)
    if page is None:
        page = Page(
            user=getattr(request, "user", None),
            csrf_token=get_token(request),
            host=_request_host(request),
            secure=request.is_secure(),
            url=request.get_full_path(),
        )
        setattr(request, _REQUEST_ATTR, page)
    return page


def rendered_page(request: HttpRequest) -> Page | None:
    """The request's Page, if its response rendered live components or the scripts tag."""
    return getattr(request, _REQUEST_ATTR, None)


def _request_host(request: HttpRequest) -> str:
    try:
        return request.get_host()
    except DisallowedHost:
        return ""


def binding_for_request(request: HttpRequest) -> Binding:
    get_token(request)  # makes sure the CSRF cookie is set on the response
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    return Binding.of_visitor(user, session, request.META.get("CSRF_COOKIE"))


def render_from_tag(tag_instance: LiveComponent) -> str:
    """`{% component "name" ... %}` for a LiveComponent: mount (or find) it and render it."""
    name = tag_instance.registered_name or tag_instance.name
    if tag_instance.raw_args:
        raise TypeError(f"live component {name!r} takes keyword arguments only")
    if tag_instance.raw_slots:
        raise TypeError(f"live component {name!r} does not take slots; pass data as arguments")
    kwargs = dict(tag_instance.raw_kwargs)
    outer = tag_instance.outer_context
    parent = outer.get("lv") if outer is not None else None
    if isinstance(parent, Handle):
        page = parent.page
        comp = page.child(name, parent.next_child_id(), kwargs)
    else:
        request = tag_instance.request or (outer.get("request") if outer is not None else None)
        if request is None:
            raise ImproperlyConfigured(
                f"live component {name!r} needs the request: render the page with "
                "django.shortcuts.render(request, ...) or a RequestContext"
            )
        page = page_for_request(request)
        comp = page.mount(name, page.next_top_id(), kwargs)
    return page.render(comp, oob=False)
