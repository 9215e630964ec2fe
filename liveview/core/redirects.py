# Where a live handler may send the browser: same-origin paths and allow-listed hosts only.
# Django's url_has_allowed_host_and_scheme plus the checks it leaves to its callers.
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme

from liveview.core import conf


class UnsafeRedirect(ValueError):
    """A redirect target that could leave the site or run script."""


def safe_redirect(
    url: str,
    *,
    host: str,
    allowed_hosts: Iterable[str] | None = None,
    require_https: bool,
) -> str:
    """`url` unchanged if it stays on `host` (or an allowed host), else UnsafeRedirect.

    `host` is the request's host with its port, as ``request.get_host()`` gives it.
    `allowed_hosts` defaults to the ``LIVEVIEW_REDIRECT_ALLOWED_HOSTS`` setting.
    """
    _check_text(url)
    hosts = {host, *(conf.redirect_allowed_hosts() if allowed_hosts is None else allowed_hosts)}
    if not url_has_allowed_host_and_scheme(url, hosts, require_https=require_https):
        raise UnsafeRedirect(f"redirect target leaves the site: {url[:100]!r}")
    return url


def safe_href(url: object, fallback: str = "#") -> str:
    """`url` if following it can only navigate (a relative URL, or http(s) to any host);
    `fallback` otherwise: ``javascript:``, ``data:``, hidden characters, backslashes."""
    if not isinstance(url, str):
        return fallback
    try:
        _check_text(url)
    except UnsafeRedirect:
        return fallback
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # an unbalanced IPv6 bracket
        return fallback
    return url if scheme in ("", "http", "https") else fallback


def _check_text(url: object) -> None:
    """The checks Django's url_has_allowed_host_and_scheme leaves to its callers."""
    if not isinstance(url, str) or not url:
        raise UnsafeRedirect("empty redirect target")
    if url != url.strip():
        raise UnsafeRedirect("redirect target starts or ends with whitespace")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in url):
        # CR/LF split headers; tabs and invisible characters are dropped or kept differently
        # by browsers and by urllib, so what is checked may not be what is followed.
        raise UnsafeRedirect("control character in redirect target")
    if "\\" in url:
        # Browsers read a backslash as a slash: /\evil.test and https:\\evil.test leave the site.
        raise UnsafeRedirect("backslash in redirect target")
