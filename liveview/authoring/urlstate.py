# URL state: the attributes a component keeps in the page's URL (`url_state`). A name the page's
# URL pattern captures lives in the path, any other in the query string. Read after mount (the
# HTTP render, every socket connect, back/forward); written to the browser's history after an
# event that changed one, or where a handler's push_url/replace_url says. docs/urls.md.
from __future__ import annotations

import copy
import types
import typing
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pydantic
from django.http import QueryDict
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.html import escape

from liveview.authoring.keep import annotation_of
from liveview.core import dialect
from liveview.core.redirects import UnsafeRedirect, safe_redirect

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent

HistoryMode = Literal["push", "replace"]

#: The event the glue sends on back/forward: ``{"url": location.pathname + location.search}``.
#: Handled by the page, never by a component (no component may name an @event so).
URL_EVENT = "lv_url"
#: The element the glue keeps in the page; a frame that fills its data-url changes the
#: browser's address (history.pushState or replaceState, by data-mode) without navigating.
URL_ID = "lv-url"
#: The longest URL read or written: a longer one is refused (browsers cap near 2 MB; servers
#: and proxies far lower).
MAX_URL = 4096

_ADAPTERS: dict[tuple[type, str], pydantic.TypeAdapter[Any]] = {}


class UnsafeUrl(ValueError):
    """A URL a handler pushed, or the browser sent, that is not a path of this site."""


def same_origin(url: object) -> str:
    """`url` as a path (with its query) on this site: ``/alerts/5/?sort=name`` or ``?page=2``.

    Anything with a scheme or a host, a fragment, control characters, a backslash or over
    MAX_URL characters raises UnsafeUrl: the browser's address never leaves the page's origin.
    """
    if not isinstance(url, str):
        raise UnsafeUrl("a URL is a string")
    if len(url) > MAX_URL:
        raise UnsafeUrl(f"URL longer than {MAX_URL} characters")
    try:
        safe_redirect(url, host="", allowed_hosts=(), require_https=False)
        parts = urlsplit(url)
    except (UnsafeRedirect, ValueError) as exc:
        raise UnsafeUrl(str(exc)) from None
    if parts.scheme or parts.netloc or "#" in url:
        raise UnsafeUrl(f"not a path of this site: {url[:100]!r}")
    if not (url.startswith("/") or url.startswith("?")):
        raise UnsafeUrl(f"a path starts with '/', a query with '?': {url[:100]!r}")
    return url


def page_url(url: str | None) -> str | None:
    """The page's address the glue sends when it connects (``u``), or None when it sent none
    or one that is not a path of this site (the components then keep what mount set)."""
    if url is None:
        return None
    try:
        return same_origin(url)
    except UnsafeUrl:
        return None


def joined(base: str | None, url: str) -> str:
    """`url` against the page's current URL: a bare query keeps the current path."""
    if url.startswith("?"):
        path = urlsplit(base or "/").path or "/"
        return path + (url if url != "?" else "")
    return url


# -- reading -------------------------------------------------------------------------------


def captured(path: str) -> dict[str, str]:
    """The keyword arguments the URLconf captures from `path` ({} when nothing matches)."""
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    try:
        match = resolve(path)
    except (Resolver404, ValueError):
        return {}
    return {k: str(v) for k, v in match.kwargs.items()}


def read(comp: LiveComponent, url: str) -> list[str]:
    """Set every `url_state` attribute of `comp` from `url` (the path's captured arguments,
    else the query string, else the class's default), each validated by its annotation.

    A value that does not fit leaves that attribute at its default; what was wrong is returned,
    one line per attribute (never raised: a URL is anyone's to type)."""
    cls = type(comp)
    parts = urlsplit(url)
    path_args = captured(parts.path)
    query = QueryDict(parts.query)
    problems = []
    for name in cls.url_state:
        default = cls._lv_defaults[name]
        raw: object
        if name in path_args:
            raw = path_args[name]
        elif name in query:
            raw = query.getlist(name) if _is_list(cls, name) else query[name]
        else:
            setattr(comp, name, copy.deepcopy(default))
            continue
        try:
            value = _adapter(cls, name).validate_python(raw)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            problems.append(f"{name}: {first['msg']}")
            value = copy.deepcopy(default)
        setattr(comp, name, value)
    return problems


def banner(problems: Iterable[str]) -> str:
    """What a component shows when its URL held values that do not fit."""
    return "Ignored what the address says for " + "; ".join(problems) + "."


# -- writing -------------------------------------------------------------------------------


def encode(value: Any) -> list[str]:
    """A value as query-string values: booleans ``true``/``false``, lists repeated, None none."""
    if value is None:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list | tuple):
        return [text for item in value for text in encode(item)]
    return [str(value)]


def url_of(components: Iterable[LiveComponent], base: str) -> str:
    """`base` with the query string rewritten for the components' `url_state`: a value equal to
    its default is left out, a name the path captures is the path's (not repeated), every other
    parameter of `base` stays as it is."""
    parts = urlsplit(base)
    path_args = captured(parts.path)
    query = QueryDict(parts.query, mutable=True)
    for comp in components:
        cls = type(comp)
        for name in cls.url_state:
            if name in path_args or not hasattr(comp, name):
                continue
            value = getattr(comp, name)
            texts = [] if value == cls._lv_defaults[name] else encode(value)
            if texts:
                query.setlist(name, texts)
            else:
                query.pop(name, None)
    text = query.urlencode(safe="/,:")
    return (parts.path or "/") + (f"?{text}" if text else "")


def element(url: str, mode: HistoryMode) -> str:
    """The out-of-band element that sets the browser's address to `url` (checked same-origin)."""
    swap = dialect.current().oob_replace
    return (
        f'<div id="{URL_ID}" hidden data-url="{escape(url)}" data-mode="{mode}"'
        f' hx-swap-oob="{swap}"></div>'
    )


# -- declarations ----------------------------------------------------------------------------


def check_url_state(cls: type[LiveComponent], reserved: frozenset[str]) -> None:
    """`url_state` names annotated attributes with a default, of types a URL can hold."""
    names = cls.url_state
    where = f"{cls.__qualname__}.url_state"
    if isinstance(names, str) or not isinstance(names, tuple):
        raise TypeError(f"{where} is a tuple of attribute names, like ('sort', 'page')")
    for name in names:
        if not isinstance(name, str) or name.startswith("_") or name in reserved:
            raise TypeError(f"{where}: {name!r} is not a public attribute name")
        if name not in cls._lv_defaults:
            raise TypeError(
                f"{where} names {name!r}: annotate it on the class with a default "
                f"(`{name}: str = ''`): its type validates the URL, its default is left out"
            )
    if cls.url_history not in ("push", "replace"):
        raise TypeError(f"{cls.__qualname__}.url_history is 'push' or 'replace'")


def _adapter(cls: type[LiveComponent], name: str) -> pydantic.TypeAdapter[Any]:
    key = (cls, name)
    adapter = _ADAPTERS.get(key)
    if adapter is None:
        adapter = pydantic.TypeAdapter(
            annotation_of(cls, name), config=pydantic.ConfigDict(allow_inf_nan=False)
        )
        _ADAPTERS[key] = adapter
    return adapter


def _is_list(cls: type[LiveComponent], name: str) -> bool:
    annotation = annotation_of(cls, name)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(typing.get_origin(a) in (list, tuple) for a in typing.get_args(annotation))
    return origin in (list, tuple)
