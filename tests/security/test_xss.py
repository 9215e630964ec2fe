"""XSS: `|safe_href` keeps `javascript:` and friends out of links; fragments escape state.

The real-browser side (first render, event fragments, published changes, htmx 4 and 2) is
tests/browser/test_xss.py.
"""

from __future__ import annotations

import json

import pytest
from django.template import Context, Engine

from tests.support import connect

SAFE = ["/polls/1/", "polls/1", "?page=2", "#top", "https://example.com/a?b=c", "http://x.test/"]
UNSAFE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x00javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/\\evil.test",
    "http://[::1",
    "",
]


def render(url: object) -> str:
    template = Engine.get_default().from_string(
        '{% load liveview %}<a href="{{ url|safe_href }}">x</a>'
    )
    return template.render(Context({"url": url}))


@pytest.mark.parametrize("url", SAFE)
def test_safe_href_keeps_a_relative_or_http_url(url: str) -> None:
    assert render(url) == f'<a href="{url}">x</a>'


@pytest.mark.parametrize("url", UNSAFE, ids=repr)
def test_safe_href_replaces_a_script_url_with_a_hash(url: str) -> None:
    assert render(url) == '<a href="#">x</a>'


def test_safe_href_still_escapes_what_it_keeps() -> None:
    assert render('/a?b="><script>') == '<a href="/a?b=&quot;&gt;&lt;script&gt;">x</a>'


@pytest.mark.parametrize("value", [None, 12, ["javascript:x"]])
def test_safe_href_of_a_non_string_is_a_hash(value: object) -> None:
    assert render(value) == '<a href="#">x</a>'


async def test_state_set_by_an_event_is_escaped_in_the_fragment() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    payload = '</template><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "rename", "name": payload}))
    frame = await comm.receive_from()
    assert "<script>" not in frame and "<img" not in frame and "</template>" not in frame
    assert "&lt;/template&gt;&lt;script&gt;" in frame
    await comm.disconnect()
