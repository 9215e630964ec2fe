"""`manage.py check` for the common set-up mistakes: no live socket, a component not registered,
a component whose template is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.checks import CheckMessage, run_checks
from django_components import registry
from pytest_django.fixtures import Settings

from liveview import LiveComponent
from liveview.checks import (
    check_component_templates,
    check_components_registered,
    check_live_socket,
    check_runserver_serves_the_socket,
)

APPS = "tests.asgi_apps."


def ids(messages: list[CheckMessage]) -> list[str]:
    return [str(m.id) for m in messages]


def test_the_demo_serves_the_live_socket() -> None:
    assert check_live_socket() == []


def test_a_plain_django_asgi_application_is_an_error(settings: Settings) -> None:
    settings.ASGI_APPLICATION = APPS + "plain_django"
    [error] = check_live_socket()
    assert error.id == "liveview.E003"
    assert "live_asgi_application()" in str(error.hint)
    assert "liveview.E003" in ids(run_checks())


def test_a_websocket_router_without_the_live_route_is_an_error(settings: Settings) -> None:
    settings.ASGI_APPLICATION = APPS + "without_live_route"
    [error] = check_live_socket()
    assert error.id == "liveview.E004"
    assert "/ws/liveview/" in error.msg
    assert "websocket_urlpatterns()" in str(error.hint)


def test_a_live_route_inside_a_nested_router_is_found(settings: Settings) -> None:
    settings.ASGI_APPLICATION = APPS + "live_route_nested"
    assert check_live_socket() == []


def test_the_live_route_must_be_at_the_configured_path(settings: Settings) -> None:
    settings.ASGI_APPLICATION = APPS + "live_route_nested"
    settings.LIVEVIEW_WEBSOCKET_PATH = "/live/"
    assert ids(check_live_socket()) == ["liveview.E004"]


@pytest.fixture
def temporary_registration() -> Iterator[list[str]]:
    """Names registered by the test, unregistered afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        registry.unregister(name)


def test_a_component_with_a_missing_template_is_an_error(
    temporary_registration: list[str],
) -> None:
    class Missing(LiveComponent):
        template_name = "nowhere/missing.html"

    registry.register("test_missing_template", Missing)
    temporary_registration.append("test_missing_template")
    [error] = check_component_templates()
    assert error.id == "liveview.E005"
    assert "'test_missing_template'" in error.msg
    assert "'nowhere/missing.html' does not exist" in error.msg


def test_a_component_without_any_template_is_an_error(temporary_registration: list[str]) -> None:
    class Bare(LiveComponent):
        pass

    registry.register("test_bare", Bare)
    temporary_registration.append("test_bare")
    [error] = check_component_templates()
    assert error.id == "liveview.E005"
    assert "template_name" in str(error.hint)


def test_a_template_that_does_not_compile_is_an_error(temporary_registration: list[str]) -> None:
    class Broken(LiveComponent):
        template = "{% if %}"

    registry.register("test_broken_template", Broken)
    temporary_registration.append("test_broken_template")
    [error] = check_component_templates()
    assert error.id == "liveview.E005"
    assert "does not compile" in error.msg


def test_every_registered_component_has_its_template() -> None:
    assert check_component_templates() == []


@pytest.fixture
def forget_classes() -> Iterator[list[type]]:
    """Classes the test puts in an installed app, moved back out of it afterwards.

    A class stays among LiveComponent's subclasses as long as anything refers to it
    (django-components keeps references), so later checks must not count it as an app's.
    """
    classes: list[type] = []
    yield classes
    for cls in classes:
        cls.__module__ = __name__


def test_an_unregistered_component_of_an_installed_app_is_a_warning(
    forget_classes: list[type],
) -> None:
    class ShoppingCart(LiveComponent):
        __module__ = "project.counter.components.cart"
        template_name = "counter/counter.html"

    forget_classes.append(ShoppingCart)
    [warning] = check_components_registered()
    assert warning.id == "liveview.W004"
    assert "project.counter.components.cart" in warning.msg
    assert '@register("shopping_cart")' in str(warning.hint)


def test_an_unregistered_component_whose_template_is_missing_does_not_stop_the_checks(
    forget_classes: list[type],
) -> None:
    """Reading a missing template raises in django-components: the check still answers (a
    component of an installed app is reported, one elsewhere is not looked at)."""

    class Elsewhere(LiveComponent):
        __module__ = "somewhere_not_installed.components"
        template_name = "no_such_template_anywhere.html"

    class Lost(LiveComponent):
        __module__ = "project.counter.components.lost"
        template_name = "no_such_template_anywhere.html"

    forget_classes.extend([Elsewhere, Lost])
    [warning] = check_components_registered()
    assert warning.id == "liveview.W004" and "components.lost" in warning.msg


def test_a_registered_component_is_not_reported(
    forget_classes: list[type], temporary_registration: list[str]
) -> None:
    class Cart(LiveComponent):
        __module__ = "project.counter.components.cart"
        template_name = "counter/counter.html"

    forget_classes.append(Cart)
    registry.register("test_cart", Cart)
    temporary_registration.append("test_cart")
    assert check_components_registered() == []


def test_an_abstract_base_without_a_template_is_not_reported(forget_classes: list[type]) -> None:
    class Base(LiveComponent):
        __module__ = "project.counter.components.base"

    forget_classes.append(Base)
    assert check_components_registered() == []


def test_a_component_outside_installed_apps_is_not_reported(forget_classes: list[type]) -> None:
    class Elsewhere(LiveComponent):
        __module__ = "somewhere_else.components"
        template_name = "counter/counter.html"

    forget_classes.append(Elsewhere)
    assert check_components_registered() == []


# -- runserver: the live socket needs an ASGI server ------------------------------------------

WITHOUT_DAPHNE = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "channels",
    "django_components",
    "django_htmx",
    "liveview",
]


def test_runserver_without_daphne_is_a_warning_under_debug(settings: Settings) -> None:
    settings.DEBUG = True
    settings.INSTALLED_APPS = WITHOUT_DAPHNE
    [warning] = check_runserver_serves_the_socket()
    assert warning.id == "liveview.W005"
    assert "WSGI" in warning.msg
    assert '"daphne"' in str(warning.hint)
    assert "liveview.W005" in ids(run_checks())


def test_daphne_after_staticfiles_is_a_warning(settings: Settings) -> None:
    """staticfiles' WSGI runserver wins when it comes first: Django takes the first app's."""
    settings.DEBUG = True
    settings.INSTALLED_APPS = [*WITHOUT_DAPHNE, "daphne"]
    [warning] = check_runserver_serves_the_socket()
    assert "before" in str(warning.hint)


def test_daphne_first_makes_runserver_serve_the_socket(settings: Settings) -> None:
    settings.DEBUG = True
    settings.INSTALLED_APPS = ["daphne", *WITHOUT_DAPHNE]
    assert check_runserver_serves_the_socket() == []


def test_without_debug_runserver_is_not_checked(settings: Settings) -> None:
    """A deployment runs uvicorn or daphne itself; its runserver does not matter."""
    settings.DEBUG = False
    settings.INSTALLED_APPS = WITHOUT_DAPHNE
    assert check_runserver_serves_the_socket() == []
