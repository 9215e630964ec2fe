# A real ASGI server for tests: uvicorn serving the project's ASGI application on a free loopback
# port, in a thread of the test process (so it sees the test database and changed settings).
from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import uvicorn

T = TypeVar("T")

STARTUP_TIMEOUT = 20.0  # seconds
CALL_TIMEOUT = 10.0  # seconds


class _ThreadServer(uvicorn.Server):
    """A uvicorn server that tells another thread when it is listening, and on which loop."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()  # also on failure: the waiting thread then sees `started` is False


class LiveServer:
    """settings.ASGI_APPLICATION served for real on a loopback port, in a thread of this process."""

    def __init__(self) -> None:
        # Bind the socket here, so the port is ours from the start (no free-port race).
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        port: int = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"

        from channels.routing import get_default_application  # once Django is configured

        config = uvicorn.Config(
            app=get_default_application(),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            # As a deployment's uvicorn: the app's lifespan opens this loop's hub at startup
            # and closes it at shutdown (an app without one is served all the same).
            lifespan="auto",
        )
        self._server = _ThreadServer(config)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="liveview-test-server", daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported by start() or stop() in the test thread
            self._error = exc
            self._server.ready.set()

    def start(self) -> None:
        self._thread.start()
        if not self._server.ready.wait(STARTUP_TIMEOUT):
            self._server.should_exit = True
            raise RuntimeError(f"uvicorn did not start within {STARTUP_TIMEOUT}s")
        if self._error is not None or not self._server.started:
            self._thread.join(timeout=STARTUP_TIMEOUT)
            self._socket.close()
            raise RuntimeError("uvicorn failed to start") from self._error

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=STARTUP_TIMEOUT)
        if self._thread.is_alive():
            raise RuntimeError("uvicorn did not stop")
        if self._error is not None:
            raise RuntimeError("uvicorn failed while serving") from self._error

    def url(self, path: str) -> str:
        return self.base_url + path

    def call(self, coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run `coro_fn()` on the server's event loop (e.g. `close_all`) and return its result."""
        loop = self._server.loop
        if loop is None or not self._server.started:
            raise RuntimeError("the server is not running")
        return asyncio.run_coroutine_threadsafe(coro_fn(), loop).result(timeout=CALL_TIMEOUT)
