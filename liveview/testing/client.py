# LiveClient: a browser without a browser. Renders a page with Django's AsyncClient (its session
# and cookies), opens the page's socket in-process, and hands back a LivePage to act on.
from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from channels.routing import get_default_application
from django.test import AsyncClient

from liveview.core.dialect import FrameShape, named
from liveview.pubsub.publish import apublish
from liveview.pubsub.resources import LiveResource, Method, ResourceChanged
from liveview.testing.dom import Document, LiveTestError, attr
from liveview.testing.page import LivePage
from liveview.testing.socket import LiveCommunicator, Served

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: How long an action waits for the server to finish with it, in seconds.
TIMEOUT = 10.0


class LiveClient:
    """One browser: its own session and cookies, any number of open pages.

    `frame`: the frame shape of the htmx build to send events as (liveview.dialect's
    HTMX2_FRAME, HTMX4_BETA_FRAME, HTMX4_FRAME); by default the one django-htmx ships for
    the page's htmx version.
    """

    def __init__(
        self,
        http: AsyncClient | None = None,
        *,
        timeout: float = TIMEOUT,
        frame: FrameShape | None = None,
    ) -> None:
        self.http = http if http is not None else AsyncClient()
        self.timeout = timeout
        self.frame = frame
        self.pages: list[LivePage] = []

    async def login(self, user: User) -> None:
        """Log `user` in for the pages opened from now on (Django's `aforce_login`)."""
        await self.http.aforce_login(user)

    async def open(self, path: str, **extra: Any) -> LivePage:
        """GET `path`, then open its live socket; the page as the first full render left it."""
        response = await self.http.get(path, **extra)
        if response.status_code != 200:
            where = f" to {response['Location']!r}" if response.has_header("Location") else ""
            raise LiveTestError(f"GET {path} answered {response.status_code}{where}, not 200")
        document = Document(response.content.decode(response.charset or "utf-8"))
        script = document.soup.select_one("script[data-url][data-htmx]")
        if script is None:
            raise LiveTestError(f"{path} has no live component: the page opens no socket")
        host = str(self.http.defaults.get("SERVER_NAME", "testserver"))
        cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in self.http.cookies.items())
        headers = [
            (b"host", host.encode()),
            (b"origin", f"http://{host}".encode()),
            (b"cookie", cookies.encode()),
        ]
        try:
            speaks = named(attr(script, "data-htmx") or "")
        except ValueError as exc:
            raise LiveTestError(f"{path}: {exc}") from None
        frame = self.frame or speaks.frames[0]
        if frame not in speaks.frames:
            raise LiveTestError(
                f"{path} is rendered for htmx {speaks.name}, whose builds never send "
                f"{frame.name} frames"
            )
        served = Served(get_default_application())
        # The glue adds the page's address (`u`): the server reads url_state from it.
        socket_url = f"{attr(script, 'data-url') or ''}&u={quote(path, safe='')}"
        socket = LiveCommunicator(served, socket_url, headers=headers)
        page = LivePage(
            socket,
            served,
            document,
            dialect=speaks,
            frame=frame,
            url=f"http://{host}{path}",
            timeout=self.timeout,
        )
        self.pages.append(page)
        await page.connect()
        return page

    async def close(self) -> None:
        """Close every page this client opened."""
        pages, self.pages = self.pages, []
        for page in pages:
            await page.close()

    async def __aenter__(self) -> LiveClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


async def publish_change(
    target: LiveResource | str, method: Method = "PUT", *, collection: str | None = None
) -> ResourceChanged:
    """Publish a change of a resource (or of a URI) to every page showing it, as a save does."""
    if isinstance(target, str):
        change = ResourceChanged(method, target, collection or target, None)
    else:
        etag = None if method == "DELETE" else target.etag
        change = ResourceChanged(method, target.uri, target.get_collection_uri(), etag)
    await apublish(change)
    return change
