"""A page naming a component django-components does not know: the error says what to add."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import AsyncClient, Client
from django.urls import path
from django_components import NotRegistered
from pytest_django.fixtures import Settings

from liveview.authoring.component import UnknownComponent, component_class


def page(request: HttpRequest) -> HttpResponse:
    name = request.GET["name"]
    source = '{% load component_tags %}<p>{% component "' + name + '" / %}</p>'
    return HttpResponse(engines["django"].from_string(source).render({}, request))


urlpatterns = [path("page/", page)]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def notes(exc: BaseException) -> str:
    return "\n".join(getattr(exc, "__notes__", []))


def test_an_unregistered_name_says_how_to_register_it(client: Client) -> None:
    with pytest.raises(NotRegistered) as info:
        client.get("/page/", {"name": "shopping_cart"})
    hint = notes(info.value)
    assert '@register("shopping_cart")' in hint
    assert "components/" in hint
    assert "liveview.W004" in hint


@pytest.mark.asyncio
async def test_an_async_request_gets_the_hint_too(async_client: AsyncClient) -> None:
    """ASGI: Django converts the exception in a worker thread; the hint still lands."""
    with pytest.raises(NotRegistered) as info:
        await async_client.get("/page/", {"name": "shopping_cart"})
    assert '@register("shopping_cart")' in notes(info.value)


def test_a_near_miss_suggests_the_registered_name(client: Client) -> None:
    with pytest.raises(NotRegistered) as info:
        client.get("/page/", {"name": "countr"})
    assert 'did you mean "counter"' in notes(info.value)


def test_the_debug_error_page_shows_the_hint(settings: Settings) -> None:
    settings.DEBUG = True
    response = Client(raise_request_exception=False).get("/page/", {"name": "shopping_cart"})
    assert response.status_code == 500
    assert "@register(&quot;shopping_cart&quot;)" in response.content.decode()


def test_other_errors_get_no_hint(client: Client) -> None:
    with pytest.raises(KeyError) as info:
        client.get("/page/")  # no ?name=
    assert notes(info.value) == ""


def test_a_socket_naming_an_unknown_component_gets_the_same_hint() -> None:
    with pytest.raises(UnknownComponent, match=r'did you mean "counter"'):
        component_class("countr")
