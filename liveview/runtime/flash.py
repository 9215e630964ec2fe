# Flash messages for the person who acted, through Django's messages framework: the
# `{% live_messages %}` component (live_messages.py) shows the request's messages on the first
# render and those a handler adds with `self.live.flash(...)` over the socket, each dismissed
# by a one-shot timer.
# A flash followed by `self.live.redirect(url)` goes into Django's messages storage instead,
# through a signed one-hop URL (the socket cannot set the cookie that storage may need).
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.messages.utils import get_level_tags
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from liveview.runtime.page import Page

logger = logging.getLogger("liveview")

#: The registered name of the messages component (dotted: no project's name can clash).
NAME = "liveview.messages"
#: The notice a flash sends to the page's messages component.
NOTICE = "liveview.flash"
#: Seconds a message stays on screen, unless ``LIVEVIEW_FLASH_SECONDS`` or
#: ``{% live_messages seconds=... %}`` says otherwise.
SECONDS = 5.0
#: Messages shown at once: the oldest give way.
MAX_SHOWN = 10
#: How long a redirect's signed hop URL (which carries its flash messages) stays valid.
HOP_MAX_AGE = 60
_SALT = "liveview.flash"


def message_data(level: int, text: object, extra_tags: str = "") -> dict[str, Any]:
    """One message as JSON (a mount argument, a notice): level, text, and Django's CSS tags."""
    if isinstance(level, bool) or not isinstance(level, int):
        raise TypeError(f"a message level is an int such as messages.SUCCESS, not {level!r}")
    if not isinstance(extra_tags, str):
        raise TypeError(f"extra_tags is a string, not {extra_tags!r}")
    tags = " ".join(t for t in (extra_tags, get_level_tags().get(level, "")) if t)
    return {"level": level, "text": str(text), "tags": tags}


def flash(page: Page, text: object, level: int, extra_tags: str) -> None:
    """What `Page.flash` does: tell the page's messages component, and remember the message
    for the redirect that may end the turn."""
    data = message_data(level, text, extra_tags)
    page.notify(NOTICE, **data)
    page._flashed = [*(page._flashed or ()), data]


def _shown_on(page: Page) -> bool:
    return any(comp._lv.spec.name == NAME for comp in page.components.values())


def carried(page: Page, target: str | None, *, failed: bool = False) -> str | None:
    """The turn's redirect target: through the hop that stores its flash messages, if any.
    `failed`: the turn failed, and what it flashed is dropped with its state."""
    flashed, page._flashed = page._flashed, None
    if failed or target is None or not flashed:
        if flashed and not failed and not _shown_on(page):
            logger.warning(
                "liveview: flash(%.60r) on a page without {%% live_messages %%}: nobody sees it",
                flashed[0]["text"],
            )
        return target
    blob = signing.dumps({"next": target, "messages": flashed}, salt=_SALT, compress=True)
    try:
        return reverse("liveview:flash", kwargs={"blob": blob})
    except NoReverseMatch:
        logger.error(
            "liveview: flash messages before a redirect need liveview's URLs: "
            "path('liveview/', include('liveview.urls')); %d message(s) dropped",
            len(flashed),
        )
        return target


def hop(request: HttpRequest, blob: str) -> HttpResponse:
    """Store a redirect's flash messages in Django's messages storage, then go on."""
    try:
        data = signing.loads(blob, salt=_SALT, max_age=HOP_MAX_AGE)
        target, flashed = data["next"], data["messages"]
        assert isinstance(target, str) and isinstance(flashed, list)
        for item in flashed:
            level, text, tags = item["level"], item["text"], item["tags"]
            assert isinstance(level, int) and isinstance(text, str) and isinstance(tags, str)
    except (signing.BadSignature, KeyError, TypeError, AssertionError):
        return HttpResponseBadRequest("This link has expired or is not valid.")
    level_tags = get_level_tags()
    for item in flashed:
        # Django's storage adds the level tag itself: keep only the extra ones.
        extra = " ".join(t for t in item["tags"].split() if t != level_tags.get(item["level"]))
        messages.add_message(request, item["level"], item["text"], extra, fail_silently=True)
    return redirect(target)
