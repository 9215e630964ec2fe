# A DataPage served at a URL with no template to write: `page_path("explore/", Explore)`.
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe

from liveview.authoring.component import component_class
from liveview.data.datapage import DataPage
from liveview.http.static_render import page_for_request

#: The page around the component: a plain HTML document that loads liveview's scripts.
DEFAULT_TEMPLATE = "liveview/data/document.html"


def data_page_view(
    component: str | type[DataPage], *, template: str = DEFAULT_TEMPLATE, **mount: Any
) -> Callable[..., HttpResponse]:
    """A view that renders the DataPage registered as `component` as a whole live page.

    Keyword arguments of the URL (``<int:pk>``) and `mount` become its mount arguments (JSON).
    """
    name = component if isinstance(component, str) else _registered_name(component)

    def view(request: HttpRequest, **url_kwargs: Any) -> HttpResponse:
        cls = component_class(name)
        page = page_for_request(request)
        comp = page.mount(name, page.next_top_id(), {**mount, **url_kwargs})
        html = page.render(comp, oob=False)
        context = {"title": getattr(cls, "title", ""), "content": mark_safe(html)}
        return render(request, template, context)

    view.__name__ = f"data_page_{name.replace('.', '_')}"
    return view


def page_path(
    route: str,
    component: str | type[DataPage],
    *,
    name: str | None = None,
    template: str = DEFAULT_TEMPLATE,
    **mount: Any,
) -> URLPattern:
    """``path(route, ...)`` for a DataPage: ``urlpatterns = [page_path("explore/", Explore)]``."""
    return path(route, data_page_view(component, template=template, **mount), name=name)


def _registered_name(cls: type[DataPage]) -> str:
    from django_components import registry

    for registered, klass in registry.all().items():
        if klass is cls:
            return registered
    raise LookupError(
        f"{cls.__name__} is not registered: decorate it with @register('a-unique-name')"
    )
