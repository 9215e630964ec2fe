"""The page token is signed, not encrypted: anyone holding the page reads its components, their
mount arguments and the user's pk, without the SECRET_KEY. The docs say so, and say never to
pass a secret as a mount argument."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest

from liveview.core.token import Binding, ComponentSpec, PageToken

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_token_is_readable_without_the_secret_key() -> None:
    spec = ComponentSpec("report", "lv-1", {"api_key": "sk-live-123"})
    signed = PageToken.new((spec,), Binding.of(42, "session", "csrf")).sign()
    body = signed.split(":", 1)[0]  # django.core.signing: payload, then timestamp and MAC
    compressed = body.startswith(".")
    raw = base64.urlsafe_b64decode(body.lstrip(".") + "=" * (-len(body.lstrip(".")) % 4))
    payload = json.loads(zlib.decompress(raw) if compressed else raw)
    assert payload["u"] == "42"
    assert payload["c"] == [["report", "lv-1", {"api_key": "sk-live-123"}]]


@pytest.mark.parametrize("doc", ["security.md", "components.md"])
def test_the_docs_say_the_token_is_readable_and_no_secret_goes_in_it(doc: str) -> None:
    text = " ".join((DOCS / doc).read_text().split()).lower()
    assert "signed, not encrypted" in text
    assert "never pass a secret as a mount argument" in text
