from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core import signing

from liveview.core.token import SALT, Binding, ComponentSpec, PageToken, TokenError

SPECS = (ComponentSpec("counter", "lv-1", {"start": 3}), ComponentSpec("calculator", "lv-2", {}))
BOUND = Binding.of(None, None, "secret-a")


def test_round_trip_keeps_components_and_binding() -> None:
    token = PageToken.new(SPECS, BOUND)
    again = PageToken.verify(token.sign())
    assert again.components == SPECS
    assert again.binding == BOUND
    assert again.page == token.page


def test_each_page_gets_its_own_token() -> None:
    assert PageToken.new(SPECS, BOUND).sign() != PageToken.new(SPECS, BOUND).sign()


def test_missing_token_is_refused() -> None:
    with pytest.raises(TokenError, match="no page token"):
        PageToken.verify("")


def test_garbage_is_refused() -> None:
    with pytest.raises(TokenError, match="invalid"):
        PageToken.verify("not-a-token")


def test_one_flipped_character_is_refused() -> None:
    signed = PageToken.new(SPECS, BOUND).sign()
    i = len(signed) // 2
    flipped = signed[:i] + ("A" if signed[i] != "A" else "B") + signed[i + 1 :]
    with pytest.raises(TokenError):
        PageToken.verify(flipped)


def test_expired_token_is_refused() -> None:
    signed = PageToken.new(SPECS, BOUND).sign()
    an_hour_later = time.time() + 3600
    with (
        mock.patch("django.core.signing.time.time", return_value=an_hour_later),
        pytest.raises(TokenError, match="expired"),
    ):
        PageToken.verify(signed, max_age=60)


def test_token_within_its_max_age_is_accepted() -> None:
    signed = PageToken.new(SPECS, BOUND).sign()
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 30):
        assert PageToken.verify(signed, max_age=60).components == SPECS


def test_token_of_another_version_is_refused() -> None:
    payload = {"v": 0, "p": "x", "u": None, "x": BOUND.csrf, "s": None, "c": []}
    with pytest.raises(TokenError, match="version"):
        PageToken.verify(signing.dumps(payload, salt=SALT, compress=True))


def test_token_signed_with_another_salt_is_refused() -> None:
    payload = {"v": 1, "p": "x", "u": None, "x": BOUND.csrf, "s": None, "c": []}
    with pytest.raises(TokenError):
        PageToken.verify(signing.dumps(payload, salt="other", compress=True))


def test_non_json_mount_arguments_are_a_clear_error() -> None:
    token = PageToken.new((ComponentSpec("counter", "lv-1", {"when": object()}),), BOUND)
    with pytest.raises(TypeError, match="mount arguments must be JSON"):
        token.sign()


def test_binding_admits_the_same_browser() -> None:
    assert BOUND.admits(Binding.of(None, None, "secret-a"))


def test_binding_refuses_another_csrf_secret() -> None:
    assert not BOUND.admits(Binding.of(None, None, "secret-b"))


def test_binding_refuses_another_user() -> None:
    assert not Binding.of(1, "s1", "x").admits(Binding.of(2, "s1", "x"))


def test_binding_refuses_another_session() -> None:
    assert not Binding.of(1, "s1", "x").admits(Binding.of(1, "s2", "x"))


def test_page_rendered_before_its_session_existed_admits_the_new_session() -> None:
    assert Binding.of(None, None, "x").admits(Binding.of(None, "new-session", "x"))


def test_binding_never_carries_the_secrets() -> None:
    binding = Binding.of(7, "the-session-key", "the-csrf-secret")
    assert "the-session-key" not in repr(binding)
    assert "the-csrf-secret" not in repr(binding)
