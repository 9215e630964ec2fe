# Encrypting the signed page token (LIVEVIEW_TOKEN_ENCRYPTED): AES-GCM from `cryptography`, the
# key derived from SECRET_KEY (SECRET_KEY_FALLBACKS decrypt, so keys rotate as Django's do).
from __future__ import annotations

import base64
import binascii
import os
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

#: What an encrypted token starts with; a signed one never does (its payload is base64 or ".").
PREFIX = "e."
_PURPOSE = "liveview.page-token.encrypt"
_NONCE = 12


class DecryptionFailed(ValueError):
    """Not a token this server encrypted with its SECRET_KEY or a fallback, or altered."""


def encrypt(signed: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = _cipher(settings.SECRET_KEY).encrypt(nonce, signed.encode(), _PURPOSE.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def decrypt(token: str) -> str:
    body = token.removeprefix(PREFIX)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionFailed("not base64") from None
    nonce, sealed = raw[:_NONCE], raw[_NONCE:]
    try:
        from cryptography.exceptions import InvalidTag
    except ImportError:  # encryption was never on here: anyone may send a token saying "e."
        raise DecryptionFailed("encrypted, and `cryptography` is not installed") from None

    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]:
        try:
            return _cipher(secret).decrypt(nonce, sealed, _PURPOSE.encode()).decode()
        except (InvalidTag, ValueError):
            continue
    raise DecryptionFailed("no key decrypts it")


def _cipher(secret: str | bytes) -> AESGCM:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise ImproperlyConfigured(
            "LIVEVIEW_TOKEN_ENCRYPTED needs the `cryptography` package: "
            "pip install 'liveview[encrypt]'"
        ) from None
    return AESGCM(salted_hmac(_PURPOSE, "", secret=secret, algorithm="sha256").digest())
