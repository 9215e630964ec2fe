from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory

from liveview.core.token import PageToken
from liveview.runtime.page import Handle, Page


def live(tag_args: str) -> str:
    page = Page()
    comp = page.mount("test_greeter", "lv-7", {})
    source = "{% load liveview %}<button {% live " + tag_args + " %}>"
    return Template(source).render(Context({"lv": Handle(comp)}))


def vals(rendered: str) -> str:
    match = re.search(r'hx-vals="([^"]*)"', rendered)
    assert match
    return html.unescape(match.group(1))


def test_a_click_binding_under_htmx4() -> None:
    rendered = live('"rename" name="Ada"')
    assert rendered.startswith("<button hx-ws:send ")
    assert vals(rendered) == '{"lv":"lv-7","event":"rename","name":"Ada"}'
    assert "hx-trigger" not in rendered  # the extension's default per element


def test_a_binding_under_htmx2(settings: pytest.FixtureRequest) -> None:
    settings.LIVEVIEW_HTMX_VERSION = 2  # type: ignore[attr-defined]
    assert live('"rename"').startswith("<button ws-send ")


def test_debounce_becomes_a_delay_on_input() -> None:
    assert 'hx-trigger="input delay:300ms"' in live('"rename" debounce="300ms"')


def test_throttle_on_a_named_event() -> None:
    assert 'hx-trigger="scroll throttle:1s"' in live('"rename" on="scroll" throttle="1s"')


def test_a_key_filter_listens_to_keyup() -> None:
    assert 'hx-trigger="keyup[key==&#x27;Enter&#x27;]"' in live('"rename" key="Enter"')


def test_changed_only() -> None:
    assert 'hx-trigger="input changed delay:1s"' in live('"rename" changed=True debounce="1s"')


@pytest.mark.parametrize(
    "args",
    [
        '"rename" key="Enter\']||alert(1)||["',
        '"rename" debounce="1; alert(1)"',
        '"rename" on="click[alert(1)]"',
    ],
)
def test_binding_options_cannot_inject_script(args: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        live(args)


def test_argument_values_are_escaped_json() -> None:
    rendered = live('"rename" name="\\"><script>"')
    assert "<script>" not in rendered
    assert json.loads(vals(rendered)) == {"lv": "lv-7", "event": "rename", "name": '"><script>'}


def test_live_outside_a_component_is_a_clear_error() -> None:
    with pytest.raises(TemplateSyntaxError, match="inside a LiveComponent"):
        Template('{% load liveview %}{% live "x" %}').render(Context({}))


def test_a_live_page_is_a_complete_html_page_with_its_token() -> None:
    response = Client().get("/counter/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-lv="counter"') == 2
    assert '<output class="count">0</output>' in body
    assert '<output class="count">10</output>' in body
    assert "django_htmx/htmx-4.min.js" in body and "django_htmx/ext/hx-ws-4.min.js" in body
    url = html.unescape(re.search(r'data-url="([^"]+)"', body).group(1))  # type: ignore[union-attr]
    assert url.startswith("/ws/liveview/?t=")
    query = parse_qs(url.split("?", 1)[1])
    token = PageToken.verify(query["t"][0])
    # The page's CSRF token rides along: the socket refuses to open without it.
    assert query["csrf"][0] and query["csrf"][0] != response.cookies["csrftoken"].value
    assert [(c.name, c.id, dict(c.kwargs)) for c in token.components] == [
        ("counter", "lv-1", {"label": "First counter"}),
        ("counter", "lv-2", {"label": "Second counter", "start": 10}),
    ]
    assert "csrftoken" in response.cookies


def test_the_glue_loads_after_htmx_and_its_extension() -> None:
    body = Client().get("/counter/").content.decode()
    order = [body.index(s) for s in ("htmx-4.min.js", "hx-ws-4.min.js", "liveview/liveview.js")]
    assert order == sorted(order)


def test_htmx2_pages_load_htmx2(settings: pytest.FixtureRequest) -> None:
    settings.LIVEVIEW_HTMX_VERSION = 2  # type: ignore[attr-defined]
    body = Client().get("/counter/").content.decode()
    assert "django_htmx/htmx-2.min.js" in body and "ws-send" in body


def test_a_page_without_live_components_opens_no_socket() -> None:
    body = Client().get("/").content.decode()
    assert "liveview/liveview.js" not in body
    assert "django_htmx/htmx-4.min.js" in body


def test_scripts_before_a_component_is_a_clear_error() -> None:
    request = RequestFactory().get("/")
    template = Template('{% load liveview %}{% liveview_scripts %}{% component "counter" / %}')
    with pytest.raises(ImproperlyConfigured, match="at the end of <body>"):
        template.render(Context({"request": request}))


def test_scripts_without_the_request_is_a_clear_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="needs the request"):
        Template("{% load liveview %}{% liveview_scripts %}").render(Context({}))
