# The server's lifespan (ASGI "lifespan" scope, sent by uvicorn and hypercorn; daphne and
# runserver send none): at startup the loop's hub is opened, at shutdown it leaves its groups
# and its tasks end, and so does what else the loop holds (the hubs' `on_close` hooks: presence,
# the job watcher). Without a lifespan, a loop's hub opens with its first socket.
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from liveview.pubsub import hubs

logger = logging.getLogger("liveview")

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Lifespan:
    """The ASGI app `live_asgi_application` routes the "lifespan" scope to."""

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            raise ValueError("liveview's Lifespan serves the lifespan scope")
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    hubs.installed().open()
                except Exception as exc:
                    logger.exception("liveview: the server's startup failed")
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await hubs.installed().close()
                except Exception as exc:
                    logger.exception("liveview: the server's shutdown failed")
                    await send({"type": "lifespan.shutdown.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return
