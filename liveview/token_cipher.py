# Moved: this path stays so that existing imports keep working
# (the module is liveview.core.token_cipher).
from __future__ import annotations

from liveview.core.token_cipher import (
    PREFIX,
    DecryptionFailed,
    decrypt,
    encrypt,
)

__all__ = [
    "DecryptionFailed",
    "PREFIX",
    "decrypt",
    "encrypt",
]
