# A set-up aid: a page that rendered live components without {% liveview_scripts %} never opens
# its socket. Say so in the log and, under DEBUG, on the page itself.
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.html import format_html

from liveview.http.static_render import rendered_page

logger = logging.getLogger("liveview")

GetResponse = (
    Callable[[HttpRequest], HttpResponseBase] | Callable[[HttpRequest], Awaitable[HttpResponseBase]]
)

#: The class of the notice shown (under DEBUG) at the end of a page that has no scripts tag.
NOTICE_CLASS = "lv-missing-scripts"


class ScriptsCheckMiddleware:
    """Warns about a response whose page rendered live components but no ``{% liveview_scripts %}``.

    Always a warning in the ``liveview`` log; under ``DEBUG`` also a visible notice at the end
    of the page's ``<body>``.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.async_mode:
            return self.__acall__(request)
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        return check_scripts(request, response)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)  # type: ignore[misc]
        assert isinstance(response, HttpResponseBase)
        return check_scripts(request, response)


def check_scripts(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """The response, with a notice under DEBUG when its live components cannot connect."""
    page = rendered_page(request)
    if page is None or page.sealed or not page.components:
        return response
    if not 200 <= response.status_code < 300:
        return response  # an error page: its render stopped before the scripts tag, say
    names = sorted({spec.name for spec in page.mount_args.values()})
    logger.warning(
        "%s rendered live components (%s) without {%% liveview_scripts %%}: they will not "
        "update. Put {%% liveview_scripts %%} at the end of <body>.",
        request.path,
        ", ".join(names),
    )
    if settings.DEBUG and isinstance(response, HttpResponse):
        _add_notice(response, names)
    return response


def _add_notice(response: HttpResponse, names: list[str]) -> None:
    if "html" not in response.get("Content-Type", ""):
        return
    content = response.content
    end = content.rfind(b"</body>")
    if end == -1:
        return
    notice = format_html(
        '<div class="{}" role="alert" style="position:fixed;bottom:0;left:0;right:0;'
        'padding:1rem;background:#fee;color:#900;border-top:3px solid #900;z-index:2147483647">'
        "liveview: this page rendered live components ({}) but has no "
        "<code>{{% liveview_scripts %}}</code>, so nothing on it is live. Put "
        "<code>{{% liveview_scripts %}}</code> at the end of <code>&lt;body&gt;</code> "
        "(after <code>{{% load liveview %}}</code>). This notice shows only with DEBUG.</div>",
        NOTICE_CLASS,
        ", ".join(names),
    )
    response.content = content[:end] + notice.encode() + content[end:]
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
