"""Forged, stolen and stale page tokens: the socket closes before anything mounts or renders."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing

from liveview.core.token import SALT
from liveview.socket.protocol import CloseCode
from tests.security.layers import RecordingChannelLayer
from tests.security.queries import QuerySpy
from tests.support import SECRET, Spec, communicator, saved_session, token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_thread_db")]

PAGE: Spec = ("test_recorder", "lv-1", {"query": True})
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


class PastSigner(signing.TimestampSigner):
    """Signs as if it were two days ago."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 2 * 24 * 60 * 60)


def flip_one_bit(signed: str, index: int) -> str:
    char = signed[index]
    return signed[:index] + B64[B64.index(char) ^ 1] + signed[index + 1 :]


def resigned(signed: str, **changes: object) -> str:
    payload = signing.loads(signed, salt=SALT)
    payload.update(changes)
    return signing.dumps(payload, salt=SALT, compress=True)


@sync_to_async
def session_of(username: str | None) -> str:
    """A saved session: anonymous, or logged in as a new user called `username`."""
    return saved_session(User.objects.create_user(username) if username is not None else None)


@sync_to_async
def user_pk(session_key: str) -> object:
    return SessionStore(session_key)[SESSION_KEY]


async def refused_with(comm: WebsocketCommunicator) -> int:
    """The close code; fails if anything (a frame) came before the close."""
    connected, _ = await comm.connect()
    assert connected  # the consumer accepts to be able to say why it closes
    message = await comm.receive_output(timeout=2)
    assert message["type"] == "websocket.close", message
    code: int = message["code"]
    return code


def assert_nothing_happened(
    mounts: list[str], layer: RecordingChannelLayer, queries: QuerySpy
) -> None:
    assert mounts == []
    assert layer.messages() == []  # no group joined, nothing sent
    assert queries.beyond_auth() == []


async def test_a_valid_token_mounts_renders_and_queries(
    mounts: list[str], layer: RecordingChannelLayer, queries: QuerySpy
) -> None:
    # The other tests' "nothing happened" can fail: here the same spies see it all.
    comm = communicator(token(PAGE))
    assert (await comm.connect())[0]
    assert 'id="lv-1"' in await comm.receive_from()
    assert mounts == ["lv-1"]
    assert any('"django_content_type"' in q for q in queries.beyond_auth())
    await comm.disconnect()


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda signed: None, id="missing"),
        pytest.param(lambda signed: "", id="empty"),
        pytest.param(lambda signed: "garbage", id="garbage"),
        pytest.param(lambda signed: "a:b:c", id="garbage-with-separators"),
        pytest.param(lambda signed: signed + "x", id="appended"),
        pytest.param(lambda signed: flip_one_bit(signed, len(signed) // 3), id="bit-in-payload"),
        pytest.param(
            lambda signed: flip_one_bit(signed, signed.index(":") + 1), id="bit-in-timestamp"
        ),
        pytest.param(lambda signed: flip_one_bit(signed, len(signed) - 10), id="bit-in-signature"),
        pytest.param(
            lambda signed: PastSigner(salt=SALT).sign_object(
                signing.loads(signed, salt=SALT), compress=True
            ),
            id="expired",
        ),
        pytest.param(lambda signed: resigned(signed, v=0), id="old-version"),
        pytest.param(lambda signed: resigned(signed, v=None), id="no-version"),
        pytest.param(
            lambda signed: signing.dumps(signing.loads(signed, salt=SALT), salt="other"),
            id="other-salt",
        ),
        pytest.param(lambda signed: resigned(signed, c="lv-1"), id="malformed-components"),
    ],
)
async def test_a_forged_or_stale_token_closes_4401(
    forged: object, mounts: list[str], layer: RecordingChannelLayer, queries: QuerySpy
) -> None:
    assert callable(forged)
    comm = communicator(forged(token(PAGE)))
    assert await refused_with(comm) == CloseCode.TOKEN_INVALID
    assert_nothing_happened(mounts, layer, queries)


async def test_another_pages_token_from_another_session_closes_4403(
    mounts: list[str], layer: RecordingChannelLayer, queries: QuerySpy
) -> None:
    theirs, mine = await session_of(None), await session_of(None)
    queries.sql.clear()  # the test's own setup
    comm = communicator(token(PAGE, session=theirs), session=mine)
    assert await refused_with(comm) == CloseCode.TOKEN_FORBIDDEN
    assert_nothing_happened(mounts, layer, queries)


async def test_a_token_replayed_under_another_users_session_closes_4403(
    mounts: list[str], layer: RecordingChannelLayer, queries: QuerySpy
) -> None:
    alice, mallory = await session_of("alice"), await session_of("mallory")
    stolen = token(PAGE, user_pk=await user_pk(alice), session=alice)
    queries.sql.clear()  # the test's own setup
    # Same browser secret too: only the user and the session differ.
    comm = communicator(stolen, SECRET, session=mallory)
    assert await refused_with(comm) == CloseCode.TOKEN_FORBIDDEN
    assert_nothing_happened(mounts, layer, queries)
    assert any('"django_session"' in q for q in queries.sql)  # the spy saw the auth lookup


async def test_a_users_token_replayed_without_a_session_closes_4403(
    mounts: list[str], layer: RecordingChannelLayer, queries: QuerySpy
) -> None:
    alice = await session_of("alice")
    comm = communicator(token(PAGE, user_pk=await user_pk(alice), session=alice))
    queries.sql.clear()  # the test's own setup
    assert await refused_with(comm) == CloseCode.TOKEN_FORBIDDEN
    assert_nothing_happened(mounts, layer, queries)


async def test_a_users_own_token_in_their_session_is_accepted(mounts: list[str]) -> None:
    alice = await session_of("alice")
    comm = communicator(token(PAGE, user_pk=await user_pk(alice), session=alice), session=alice)
    assert (await comm.connect())[0]
    assert 'id="lv-1"' in await comm.receive_from()
    assert mounts == ["lv-1"]
    await comm.disconnect()


async def test_a_token_from_another_browser_closes_4403(
    mounts: list[str], layer: RecordingChannelLayer, queries: QuerySpy
) -> None:
    comm = communicator(token(PAGE), cookie_secret="b" * 32)
    assert await refused_with(comm) == CloseCode.TOKEN_FORBIDDEN
    assert_nothing_happened(mounts, layer, queries)
