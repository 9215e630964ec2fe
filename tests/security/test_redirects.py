"""Open redirects and script URLs: a live redirect goes to the site or an allow-listed host."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from liveview.core.redirects import UnsafeRedirect, safe_redirect

HOST = "example.com"


def check(url: str, *, require_https: bool = False, allowed: tuple[str, ...] = ()) -> str:
    return safe_redirect(url, host=HOST, allowed_hosts=allowed, require_https=require_https)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/polls/12",
        "/search?q=a%20b#results",
        "polls/12",
        "?page=2",
        "#top",
        "https://example.com/polls/",
        "http://example.com/",
        "//example.com/polls/",
    ],
)
def test_a_same_origin_target_is_returned_unchanged(url: str) -> None:
    assert check(url) == url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("JaVaScRiPt:alert(1)", id="javascript-case"),
        pytest.param("\tjavascript:alert(1)", id="tab-javascript"),
        pytest.param("java\tscript:alert(1)", id="javascript-inner-tab"),
        pytest.param(" javascript:alert(1)", id="space-javascript"),
        pytest.param("\x00javascript:alert(1)", id="nul-javascript"),
        pytest.param("data:text/html,<script>alert(1)</script>", id="data"),
        pytest.param("vbscript:msgbox(1)", id="vbscript"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("ftp://example.com/", id="ftp"),
        pytest.param("mailto:a@example.com", id="mailto"),
        pytest.param("https://evil.test/", id="foreign"),
        pytest.param("//evil.test", id="protocol-relative"),
        pytest.param("///evil.test", id="three-slashes"),
        pytest.param("https:\\\\evil.test", id="backslashes"),
        pytest.param("/\\evil.test", id="slash-backslash"),
        pytest.param("\\\\evil.test", id="two-backslashes"),
        pytest.param("https://example.com@evil.test/", id="userinfo"),
        pytest.param("https://example.com.evil.test/", id="lookalike"),
        pytest.param("https://evil.test#example.com", id="fragment"),
        pytest.param("https://example.com:8443/", id="other-port"),
        pytest.param("/ok\r\nSet-Cookie: a=b", id="crlf"),
        pytest.param("/ok\nx", id="lf"),
        pytest.param("/ok\rx", id="cr"),
        pytest.param("/ok\u202e", id="bidi-override"),
        pytest.param("/ok ", id="trailing-space"),
        pytest.param("", id="empty"),
    ],
)
def test_a_target_leaving_the_site_or_running_script_is_refused(url: str) -> None:
    with pytest.raises(UnsafeRedirect):
        check(url)


def test_the_refusal_is_a_value_error_saying_why() -> None:
    with pytest.raises(ValueError, match="leaves the site"):
        check("https://evil.test/")


def test_https_required_refuses_plain_http_to_the_same_host() -> None:
    assert check("https://example.com/", require_https=True) == "https://example.com/"
    assert check("/relative", require_https=True) == "/relative"
    with pytest.raises(UnsafeRedirect):
        check("http://example.com/", require_https=True)


def test_an_allow_listed_host_is_accepted() -> None:
    assert check("https://docs.example.org/a", allowed=("docs.example.org",))
    with pytest.raises(UnsafeRedirect):
        check("https://other.example.org/a", allowed=("docs.example.org",))


def test_the_host_list_defaults_to_the_setting(settings: Settings) -> None:
    target = "https://docs.example.org/a"
    with pytest.raises(UnsafeRedirect):
        safe_redirect(target, host=HOST, require_https=True)
    settings.LIVEVIEW_REDIRECT_ALLOWED_HOSTS = ["docs.example.org"]
    assert safe_redirect(target, host=HOST, require_https=True) == target


def test_the_host_keeps_its_port() -> None:
    assert safe_redirect("http://localhost:8000/", host="localhost:8000", require_https=False)
    with pytest.raises(UnsafeRedirect):
        safe_redirect("http://localhost:9000/", host="localhost:8000", require_https=False)
