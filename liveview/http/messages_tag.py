# `{% live_messages %}` on an HTTP page: the request's messages, mounted as the page's live
# messages component (liveview.batteries.live_messages) on the request's Page.
from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from liveview.http.static_render import page_for_request
from liveview.runtime.flash import MAX_SHOWN, NAME, SECONDS, message_data
from liveview.runtime.render import Handle


def render_messages(context: Context, seconds: float | None = None) -> SafeString:
    """``{% live_messages %}``: the request's messages, live, in the page's messages component."""
    if seconds is None:
        seconds = getattr(settings, "LIVEVIEW_FLASH_SECONDS", SECONDS)
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not (math.isfinite(seconds) and seconds > 0)
    ):
        raise TypeError(f"{{% live_messages %}}: seconds is a positive number, not {seconds!r}")
    if isinstance(context.get("lv"), Handle):
        raise TypeError(
            "{% live_messages %} goes in the page's template, not in a live component's: "
            "it reads the request's messages, and a component re-renders without a request"
        )
    request = context.get("request")
    if not isinstance(request, HttpRequest):
        raise TypeError(
            "{% live_messages %} needs the request: render the page with "
            "django.shortcuts.render(request, ...)"
        )
    initial = [
        message_data(m.level, m.message, m.extra_tags or "") for m in messages.get_messages(request)
    ]
    kwargs = {"initial": initial[-MAX_SHOWN:], "until": time.time() + seconds, "seconds": seconds}
    page = page_for_request(request)
    comp = page.mount(NAME, page.next_top_id(), kwargs)
    return mark_safe(page.render(comp, oob=False))  # noqa: S308  (escaped by its template)
