# Template front doors: {% liveview_scripts %} for the base template, {% live %} for bindings.
from __future__ import annotations

import functools
import json
import re
from typing import Any

from django import template
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import get_token
from django.template import Context
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_htmx.jinja import django_htmx_script, htmx_script

from liveview.batteries.upload_tags import upload_input
from liveview.core import conf, dialect
from liveview.core.redirects import safe_href as _safe_href
from liveview.http.static_render import binding_for_request, page_for_request
from liveview.runtime.page import Handle
from liveview.runtime.render import EPOCH_ID
from liveview.runtime.streams import compile_stream
from liveview.socket.consumer import STALE
from liveview.socket.protocol import ONLY_KEY

register = template.Library()

_EVENT_NAME = re.compile(r"[a-z][a-z0-9_.:-]*")
_KEY_NAME = re.compile(r"[A-Za-z0-9]+")
_INTERVAL = re.compile(r"\d+(ms|s)")
_BINDING_OPTIONS = frozenset({"on", "debounce", "throttle", "key", "changed"})
#: Options that shape what is sent rather than when (see `_binding`).
_SEND_OPTIONS = frozenset({"only", "confirm"})


@register.simple_tag(takes_context=True)
def liveview_scripts(context: Context) -> SafeString:
    """htmx, its websocket extension and the glue; opens the page's socket when it is live.

    Put it at the end of <body>: the page token lists the components rendered before it.
    """
    speaks = dialect.current()
    nonce = context.get("csp_nonce")
    html = _htmx_scripts(speaks, nonce)
    html += format_html('<link rel="stylesheet" href="{}">', static("liveview/liveview.css"))
    request = context.get("request")
    if request is None:
        raise ImproperlyConfigured(
            "{% liveview_scripts %} needs the request in the template context: add "
            "'django.template.context_processors.request' to the template context processors"
        )
    page = page_for_request(request)
    if not page.components:
        page.sealed = True
        return html
    token = page.token(binding_for_request(request)).sign()
    # The CSRF token in the URL: only a page of this site can know it (the socket checks it).
    url = f"{conf.websocket_path()}?t={token}&csrf={get_token(request)}"
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else ""
    if any(getattr(c, "uses_uploads", False) for c in page.components.values()):
        html += format_html(
            '<script src="{}" defer{}></script>', static("liveview/uploads.js"), nonce_attr
        )
    # data-htmx: the htmx the server renders for (the glue reports a page that loaded another);
    # data-refused: what the glue shows on an action it could not send (the server's own text).
    return html + format_html(
        '<div id="{}" hidden></div><script src="{}" data-url="{}" data-htmx="{}" data-refused="{}"'
        "{} defer{}></script>",
        EPOCH_ID,
        static("liveview/liveview.js"),
        url,
        speaks.name,
        STALE,
        mark_safe(" data-debug") if settings.DEBUG else "",
        nonce_attr,
    )


def _htmx_scripts(speaks: dialect.Dialect, nonce: Any) -> SafeString:
    """django-htmx's htmx and ws extension, or the project's own (LIVEVIEW_HTMX_SCRIPTS)."""
    paths = conf.htmx_scripts()
    if not paths:
        return htmx_script(version=speaks.major, extensions="hx-ws", nonce=nonce)
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else ""
    html = mark_safe("")
    for path in paths:  # in order: htmx before its extension, all deferred
        html += format_html('<script src="{}" defer{}></script>', static(path), nonce_attr)
    return html + django_htmx_script(nonce=nonce)


@register.simple_tag(takes_context=True)
def live(context: Context, event: str, **kwargs: Any) -> SafeString:
    """Bind the element to the component's `event`: ``<button {% live "increment" by=1 %}>``.

    Options: on="input" (the DOM event; default by element: submit, change or click),
    debounce="300ms", throttle="1s", key="Enter", changed=True, only=True (send this
    binding's own arguments, not its form's fields), confirm="Delete it?" (ask first). Other
    keyword arguments are sent to the handler as its arguments.
    """
    handle = context.get("lv")
    if not isinstance(handle, Handle):
        raise template.TemplateSyntaxError("{% live %} is used inside a LiveComponent's template")
    try:
        key = (dialect.current().send_attr, handle.id, event, tuple(kwargs.items()))
        return _binding(*key)
    except TypeError:  # an unhashable argument (a list, a dict): not cached
        send = dialect.current().send_attr
        return _binding.__wrapped__(send, handle.id, event, tuple(kwargs.items()))


# Re-renders repeat the same bindings; caching them keeps {% live %} off the event's cost.
@functools.lru_cache(maxsize=4096)
def _binding(send: str, cid: str, event: str, items: tuple[tuple[str, Any], ...]) -> SafeString:
    kwargs = dict(items)
    options = {k: kwargs.pop(k) for k in list(kwargs) if k in _BINDING_OPTIONS}
    sending = {k: kwargs.pop(k) for k in list(kwargs) if k in _SEND_OPTIONS}
    trigger = _trigger(**options)
    values = {"lv": cid, "event": event, **kwargs}
    if sending.get("only"):
        values[ONLY_KEY] = list(kwargs)
    try:
        vals = json.dumps(values, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise template.TemplateSyntaxError(f"{{% live %}} arguments must be JSON: {exc}") from None
    html = format_html('{} hx-vals="{}"', mark_safe(send), vals)
    if trigger:
        html += format_html(' hx-trigger="{}"', trigger)
    confirm = sending.get("confirm")
    if confirm is not None:
        question = str(confirm).strip()
        if not question:
            raise template.TemplateSyntaxError("{% live %}: confirm= takes the question to ask")
        html += format_html(' hx-confirm="{}"', question)
    return html


def _trigger(
    on: str | None = None,
    debounce: str | None = None,
    throttle: str | None = None,
    key: str | None = None,
    changed: bool = False,
) -> str:
    if on is None and not (debounce or throttle or key or changed):
        return ""  # the extension's default for the element: submit, change or click
    name = on or ("keyup" if key else "input")
    if not _EVENT_NAME.fullmatch(name):
        raise template.TemplateSyntaxError(f"{{% live %}}: bad event name on={name!r}")
    if key is not None:
        if not _KEY_NAME.fullmatch(key):
            raise template.TemplateSyntaxError(f"{{% live %}}: bad key={key!r}")
        name += f"[key=='{key}']"
    parts = [name]
    if changed:
        parts.append("changed")
    for modifier, value in (("delay", debounce), ("throttle", throttle)):
        if value is not None:
            if not _INTERVAL.fullmatch(str(value)):
                raise template.TemplateSyntaxError(
                    f"{{% live %}}: {modifier} takes an interval like '300ms', not {value!r}"
                )
            parts.append(f"{modifier}:{value}")
    return " ".join(parts)


@register.tag("live_stream")
def live_stream(parser: template.base.Parser, token: template.base.Token) -> template.Node:
    """`{% live_stream "name" as item tag="ul" item_tag="li" %}body{% endlive_stream %}`: a
    stream's container and items (docs/streams.md)."""
    return compile_stream(parser, token)


@register.filter(is_safe=False)
def safe_href(url: object) -> str:
    """``href="{{ url|safe_href }}"``: the URL when it is relative or http(s), else ``#``.

    Autoescaping keeps a value inside its attribute; it does not stop ``javascript:``.
    """
    return _safe_href(url)


@register.simple_tag(takes_context=True)
def live_messages(context: Context, seconds: float | None = None) -> SafeString:
    """``{% live_messages %}``: Django's messages, shown live, each dismissed after `seconds`."""
    from liveview.http.messages_tag import render_messages

    return render_messages(context, seconds)


@register.simple_tag(takes_context=True)
def live_upload(context: Context, field: str) -> SafeString:
    """``{% live_upload "field" %}`` in a LiveUploadForm's ``<form>``: the field's file input
    (its files upload over HTTP as soon as they are chosen) and the list showing them."""
    # The glue fires `lv-uploaded` on the input when an upload ends or is cancelled: the form
    # is validated again with its uploads (a required file field, the submit button).
    revalidate = live(context, "validate", on="lv-uploaded", form_round=context.get("submitted", 0))
    return upload_input(context, field, revalidate)
