"""LIVEVIEW_TOKEN_ENCRYPTED: the page token is encrypted as well as signed, so holding the page
no longer shows its mount arguments or the user's pk. Off by default (docs/security.md)."""

from __future__ import annotations

import base64
import sys

import pytest
from pytest_django.fixtures import Settings

from liveview.core.token import Binding, ComponentSpec, PageToken, TokenError
from tests.support import connect

SPEC = ComponentSpec("report", "lv-1", {"api_key": "sk-live-123"})
BINDING = Binding.of(42, "session", "csrf")


@pytest.fixture
def encrypted(settings: Settings) -> None:
    settings.LIVEVIEW_TOKEN_ENCRYPTED = True


def raw_bytes(token: str) -> bytes:
    body = token.removeprefix("e.")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


@pytest.mark.usefixtures("encrypted")
def test_an_encrypted_token_shows_nothing_and_verifies() -> None:
    signed = PageToken.new((SPEC,), BINDING).sign()
    assert signed.startswith("e.")
    assert b"sk-live" not in raw_bytes(signed) and b"api_key" not in raw_bytes(signed)
    assert PageToken.verify(signed).components == (SPEC,)
    assert PageToken.verify(signed).binding == BINDING


@pytest.mark.usefixtures("encrypted")
def test_an_altered_encrypted_token_is_invalid() -> None:
    signed = PageToken.new((SPEC,), BINDING).sign()
    flipped = signed[:-3] + ("A" if signed[-3] != "A" else "B") + signed[-2:]
    for bad in (flipped, "e.", "e.!!!", signed[:20]):
        with pytest.raises(TokenError):
            PageToken.verify(bad)


@pytest.mark.usefixtures("encrypted")
def test_a_token_encrypted_with_a_rotated_key_still_verifies(settings: Settings) -> None:
    signed = PageToken.new((SPEC,), BINDING).sign()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert PageToken.verify(signed).components == (SPEC,)
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(TokenError):
        PageToken.verify(signed)


def test_turning_it_on_or_off_keeps_open_pages_valid(settings: Settings) -> None:
    plain = PageToken.new((SPEC,), BINDING).sign()
    settings.LIVEVIEW_TOKEN_ENCRYPTED = True
    sealed = PageToken.new((SPEC,), BINDING).sign()
    assert PageToken.verify(plain).components == (SPEC,)
    settings.LIVEVIEW_TOKEN_ENCRYPTED = False
    assert PageToken.verify(sealed).components == (SPEC,)


@pytest.mark.usefixtures("encrypted")
async def test_a_socket_opens_with_an_encrypted_token() -> None:
    comm, frame = await connect(("test_recorder", "lv-1", {"label": "sealed"}))
    assert "<p>sealed|" in frame
    await comm.disconnect()


def test_an_encrypted_looking_token_without_cryptography_is_invalid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Encryption off and `cryptography` absent (it is an extra): anyone can still send a token
    # starting with "e."; it is an invalid token (4401), not a server error.
    for module in ("cryptography.exceptions", "cryptography.hazmat.primitives.ciphers.aead"):
        monkeypatch.setitem(sys.modules, module, None)  # what an import then finds: none
    with pytest.raises(TokenError):
        PageToken.verify("e.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
