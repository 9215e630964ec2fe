"""A real in-memory channel layer that also records what was asked of it."""

from __future__ import annotations

from typing import Any

from channels.layers import InMemoryChannelLayer


class RecordingChannelLayer(InMemoryChannelLayer):  # type: ignore[misc]
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calls: list[tuple[str, Any]] = []

    async def new_channel(self, prefix: str = "specific.") -> str:
        channel: str = await super().new_channel(prefix)
        self.calls.append(("new_channel", channel))
        return channel

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self.calls.append(("send", (channel, message)))
        await super().send(channel, message)

    async def group_add(self, group: str, channel: str) -> None:
        self.calls.append(("group_add", (group, channel)))
        await super().group_add(group, channel)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.calls.append(("group_send", (group, message)))
        await super().group_send(group, message)

    def messages(self) -> list[tuple[str, Any]]:
        """Everything but the consumers' own channel names: sends and group joins."""
        return [call for call in self.calls if call[0] != "new_channel"]
