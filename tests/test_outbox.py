"""Outbox: one per open socket, so its size counts."""

from __future__ import annotations

from liveview.socket.outbox import Outbox


async def _nothing(*args: object) -> None:
    return None


def test_an_outbox_has_no_instance_dict() -> None:
    assert not hasattr(Outbox(_nothing, _nothing), "__dict__")
