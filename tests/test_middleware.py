"""ScriptsCheckMiddleware: a page whose live components cannot connect says so."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template import engines
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from liveview.http.middleware import NOTICE_CLASS, ScriptsCheckMiddleware

WITHOUT_SCRIPTS = """{% load liveview %}<!doctype html><html><body>
{% component "test_greeter" / %}
</body></html>"""
WITH_SCRIPTS = """{% load liveview %}<!doctype html><html><body>
{% component "test_greeter" / %}
{% liveview_scripts %}
</body></html>"""
NO_COMPONENTS = "<!doctype html><html><body><p>Plain</p></body></html>"


def page(source: str) -> ScriptsCheckMiddleware:
    def view(request: HttpRequest) -> HttpResponseBase:
        return HttpResponse(engines["django"].from_string(source).render({}, request))

    return ScriptsCheckMiddleware(view)


def get(middleware: ScriptsCheckMiddleware) -> HttpResponse:
    response = middleware(RequestFactory().get("/shop/"))
    assert isinstance(response, HttpResponse)
    return response


def test_debug_shows_a_notice_on_a_page_without_the_scripts_tag(settings: Settings) -> None:
    settings.DEBUG = True
    html = get(page(WITHOUT_SCRIPTS)).content.decode()
    assert f'<div class="{NOTICE_CLASS}" role="alert"' in html
    assert "(test_greeter)" in html
    assert html.index(NOTICE_CLASS) < html.index("</body>")


def test_the_notice_keeps_the_content_length_right(settings: Settings) -> None:
    settings.DEBUG = True

    def view(request: HttpRequest) -> HttpResponseBase:
        html = engines["django"].from_string(WITHOUT_SCRIPTS).render({}, request)
        response = HttpResponse(html)
        response["Content-Length"] = str(len(response.content))
        return response

    response = get(ScriptsCheckMiddleware(view))
    assert response["Content-Length"] == str(len(response.content))


def test_a_page_without_the_scripts_tag_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="liveview"):
        get(page(WITHOUT_SCRIPTS))
    [record] = caplog.records
    assert "/shop/ rendered live components (test_greeter)" in record.getMessage()


def test_without_debug_the_page_is_left_alone(settings: Settings) -> None:
    settings.DEBUG = False
    assert NOTICE_CLASS not in get(page(WITHOUT_SCRIPTS)).content.decode()


def test_a_page_with_the_scripts_tag_is_left_alone(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DEBUG = True
    with caplog.at_level(logging.WARNING, logger="liveview"):
        html = get(page(WITH_SCRIPTS)).content.decode()
    assert NOTICE_CLASS not in html
    assert caplog.records == []


def test_a_page_without_live_components_is_left_alone(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DEBUG = True
    with caplog.at_level(logging.WARNING, logger="liveview"):
        html = get(page(NO_COMPONENTS)).content.decode()
    assert html == NO_COMPONENTS
    assert caplog.records == []


def test_a_response_that_is_not_html_is_left_alone(settings: Settings) -> None:
    settings.DEBUG = True

    def view(request: HttpRequest) -> HttpResponseBase:
        engines["django"].from_string(WITHOUT_SCRIPTS).render({}, request)
        return JsonResponse({"body": "</body>"})

    assert get(ScriptsCheckMiddleware(view)).content == b'{"body": "</body>"}'


async def test_the_async_path_shows_the_notice_too(settings: Settings) -> None:
    settings.DEBUG = True

    async def view(request: HttpRequest) -> HttpResponseBase:
        return HttpResponse(engines["django"].from_string(WITHOUT_SCRIPTS).render({}, request))

    response = await ScriptsCheckMiddleware(view)(RequestFactory().get("/"))  # type: ignore[misc]
    assert isinstance(response, HttpResponse)
    assert NOTICE_CLASS in response.content.decode()


def test_an_error_response_is_left_alone(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DEBUG = True

    def view(request: HttpRequest) -> HttpResponseBase:
        html = engines["django"].from_string(WITHOUT_SCRIPTS).render({}, request)
        return HttpResponse(html, status=500)

    with caplog.at_level(logging.WARNING, logger="liveview"):
        html = get(ScriptsCheckMiddleware(view)).content.decode()
    assert NOTICE_CLASS not in html
    assert caplog.records == []
