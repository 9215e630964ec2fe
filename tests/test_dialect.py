"""liveview.dialect owns the htmx versions: nothing else branches on one, the glue's table of
events matches the real builds, and a project may serve its own htmx build."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import django_htmx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from pytest_django.fixtures import Settings

import liveview
from liveview.core import conf, dialect
from liveview.testing import htmx_builds

LIVEVIEW = Path(liveview.__file__).parent
GLUE = LIVEVIEW / "static" / "liveview" / "liveview.js"
DJANGO_HTMX = Path(django_htmx.__file__).parent / "static" / "django_htmx"
#: The modules allowed to read the htmx setting.
OWNERS = {
    *(LIVEVIEW / "core" / name for name in ("conf.py", "dialect.py")),
    *(LIVEVIEW / name for name in ("conf.py", "dialect.py")),  # their shims: re-exports
}


def test_only_the_dialect_and_the_settings_read_the_htmx_version() -> None:
    readers = []
    for path in sorted(LIVEVIEW.rglob("*.py")):
        if path in OWNERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = (
                node.attr
                if isinstance(node, ast.Attribute)
                else node.id
                if isinstance(node, ast.Name)
                else node.value
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                else None
            )
            if name in ("htmx_version", "LIVEVIEW_HTMX_VERSION", "HtmxVersion"):
                readers.append(f"{path.relative_to(LIVEVIEW)}:{getattr(node, 'lineno', '?')}")
    assert readers == [], "ask liveview.dialect.current() instead"


def glue_builds() -> list[dict[str, Any]]:
    """The glue's BUILDS table, written as JSON inside liveview.js."""
    match = re.search(r"var BUILDS = (\[.*?\n  \]);", GLUE.read_text(), re.S)
    assert match, "liveview.js has no BUILDS table"
    builds: list[dict[str, Any]] = json.loads(match.group(1))
    return builds


def build_sources(version: str) -> str:
    """htmx and its ws extension, as the page loads them, for a version prefix of BUILDS."""
    if version == "2.":
        files = [DJANGO_HTMX / "htmx-2.js", DJANGO_HTMX / "ext" / "hx-ws-2.js"]
    elif version.startswith("4.0.0-"):
        files = [DJANGO_HTMX / "htmx-4.js", DJANGO_HTMX / "ext" / "hx-ws-4.js"]
    else:
        build = htmx_builds.cached()
        if build is None:
            pytest.fail("no htmx 4.0.x build: run `make htmx`", pytrace=False)
        files = [build / "htmx.js", build / "ext" / "hx-ws.js"]
    return "\n".join(f.read_text() for f in files)


#: The keys of a BUILDS entry that name events.
EVENTS = (
    *("beforeSend", "afterSend", "beforeMessage", "afterMessage"),
    *("cleanup", "close", "open", "beforeConnect", "error", "oobSwap"),
)


@pytest.mark.parametrize("build", glue_builds(), ids=lambda b: b["versions"][-1])
def test_every_event_the_glue_listens_to_is_fired_by_its_build(build: dict[str, Any]) -> None:
    version = build["versions"][-1]
    source = build_sources(version)
    loaded = re.search(r"\bversion\s*[:=]\s*'([^']+)'", source)
    assert loaded and loaded.group(1).startswith(version)
    names = [build[key] for key in EVENTS if build[key]]
    missing = [name for name in names if f"'{name}'" not in source]
    assert missing == []
    # Where the glue finds what it reads in those events' details, as the build fills them
    # (`text`: a frame's text, in the after-message event; the browser suite reads acks by it).
    for path in (build["values"], build["code"], build["text"]):
        assert re.search(rf"\b{path.split('.')[-1]}\b", source)


@pytest.mark.parametrize("build", glue_builds(), ids=lambda b: b["versions"][-1])
def test_the_glue_connects_and_binds_as_the_dialect_renders(build: dict[str, Any]) -> None:
    speaks = dialect.named(build["major"])
    assert (build["connect"], build["send"], build["ext"]) == (
        speaks.connect_attr,
        speaks.send_attr,
        speaks.extension,
    )


def test_every_dialect_has_a_build_in_the_glue() -> None:
    assert {b["major"] for b in glue_builds()} == set(dialect.DIALECTS)


def test_the_configured_version_picks_the_dialect(settings: Settings) -> None:
    settings.LIVEVIEW_HTMX_VERSION = 2
    assert dialect.current() is dialect.HTMX2
    settings.LIVEVIEW_HTMX_VERSION = 4
    assert dialect.current() is dialect.HTMX4
    with pytest.raises(ValueError, match="no htmx dialect '3'"):
        dialect.named("3")


def test_a_frame_without_headers_is_values_only() -> None:
    assert dialect.unwrap({"lv": "lv-1", "event": "e"}) == ({"lv": "lv-1", "event": "e"}, {})


def test_a_header_key_is_never_a_value_in_any_shape() -> None:
    frame = {"headers": {"a": "b"}, "body": {"lv": "lv-1", "HEADERS": "x", "headers": "y"}}
    assert dialect.unwrap(frame) == ({"lv": "lv-1"}, {"a": "b"})


# -- a project's own htmx build (LIVEVIEW_HTMX_SCRIPTS) ------------------------------------


def test_a_project_serves_its_own_htmx_build(settings: Settings) -> None:
    settings.LIVEVIEW_HTMX_SCRIPTS = ("htmx/4.0.1/htmx.min.js", "htmx/4.0.1/ext/hx-ws.min.js")
    body = Client().get("/counter/").content.decode()
    assert "django_htmx/htmx-4" not in body
    order = [
        body.index(s)
        for s in ("/static/htmx/4.0.1/htmx.min.js", "/htmx/4.0.1/ext/hx-ws.min.js", "liveview.js")
    ]
    assert order == sorted(order)
    assert 'data-htmx="4"' in body


def test_without_the_setting_django_htmx_ships_htmx(settings: Settings) -> None:
    settings.LIVEVIEW_HTMX_SCRIPTS = None
    assert conf.htmx_scripts() == ()
    assert "django_htmx/htmx-4.min.js" in Client().get("/counter/").content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("htmx.min.js", "must be a list of static paths"),
        ([1], "1 is not the path of a .js file"),
        (["htmx/htmx.css"], "not the path of a .js file"),
        (["/static/htmx.js"], "is a URL"),
        (["https://unpkg.com/htmx.org@4.0.1/dist/htmx.js"], "is a URL"),
    ],
)
def test_a_bad_scripts_setting_is_a_clear_error(
    settings: Settings, value: object, message: str
) -> None:
    settings.LIVEVIEW_HTMX_SCRIPTS = value
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        conf.htmx_scripts()


def test_the_glue_is_told_the_htmx_and_the_refusal_text(settings: Settings) -> None:
    from liveview.socket.consumer import STALE

    settings.DEBUG = False
    body = Client().get("/counter/").content.decode()
    glue = re.search(r"<script src=\"[^\"]*liveview\.js\"[^>]*>", body)
    assert glue
    assert 'data-htmx="4"' in glue.group(0) and f'data-refused="{STALE}"' in glue.group(0)
    assert "data-debug" not in glue.group(0)
    settings.DEBUG = True
    assert "data-debug" in Client().get("/counter/").content.decode()
