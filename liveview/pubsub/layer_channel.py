# The hub's one channel on the channel layer: opened on the first topic joined, read by one task
# (messages go to the hub's `_received`), its group memberships renewed before the layer
# expires them, closed when the hub follows nothing any more.
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from channels.layers import BaseChannelLayer

from liveview.pubsub.messages import group_name

logger = logging.getLogger("liveview")


class LayerChannel:
    """The channel part of `Hub` (liveview.pubsub.subscriptions)."""

    layer: BaseChannelLayer
    channel: str | None
    members: dict[str, set[Any]]
    healthy: bool
    _watched: bool
    _lock: asyncio.Lock
    _tasks: list[asyncio.Task[None]]

    if TYPE_CHECKING:

        def _received(self, message: dict[str, Any]) -> None: ...

    async def _add(self, topic: str) -> None:
        """Put this process's channel in `topic`'s group (the layer down: retried later)."""
        try:
            channel = await self._open_channel()
            await self.layer.group_add(group_name(topic), channel)
        except Exception as exc:
            if not self._watched:
                raise
            # The layer is down: the page still mounts from the database; the watch joins the
            # group and reloads every page here once the layer answers again.
            logger.warning(
                "liveview: joining a topic failed (%r); retried when the layer is back", exc
            )
            self.healthy = False

    async def _open_channel(self) -> str:
        if self.channel is None:
            # The layer's default prefix: RedisChannelLayer reads every process-local channel
            # through one loop on one prefix; with another prefix of its own, the hub would
            # starve whenever any other consumer in the process was receiving.
            self.channel = await self.layer.new_channel()
            self._tasks.append(
                asyncio.create_task(self._read(self.channel), name="liveview-hub-read")
            )
        return self.channel

    async def _leave(self, topic: str) -> None:
        if self.channel is not None:
            try:
                await self.layer.group_discard(group_name(topic), self.channel)
            except Exception as exc:
                if not self._watched:
                    raise
                logger.warning("liveview: leaving a topic failed: %r", exc)

    async def _stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Cancelling the reader ends the channel on some layers (channels-redis' pub/sub layer
        # unsubscribes it): the next join opens a new one.
        self.channel = None

    async def _read(self, channel: str) -> None:
        # Only reads: the layer's buffer for this channel must never fill up while pages render.
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("liveview: reading the channel layer failed")
                await asyncio.sleep(1)
                continue
            self._received(message)

    async def _keep_groups(self) -> None:
        # Layers expire group membership (a day by default): renew ours well before that.
        expiry = getattr(self.layer, "group_expiry", 86400)
        while True:
            await asyncio.sleep(max(expiry / 2, 1))
            async with self._lock:
                try:
                    for topic in list(self.members):
                        if self.channel is not None:
                            await self.layer.group_add(group_name(topic), self.channel)
                except Exception as exc:
                    logger.warning("liveview: renewing the topics failed: %r", exc)
