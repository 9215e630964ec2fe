# The signed page token: which live components a page holds and whom it was rendered for.
# Made by the HTTP render, verified by the consumer before anything mounts.
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core import signing

from liveview.core import conf, token_cipher

SALT = "liveview.page-token"
VERSION = 1


class TokenError(Exception):
    """The token is missing, malformed, tampered with, expired or of another version."""


class TokenSigningError(TypeError):
    """A mount argument or kept value that is not JSON: the token cannot carry it."""


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """One live component of a page: registered name, DOM id, JSON mount arguments, and the
    state it keeps across reconnects (its `kept` attributes, JSON; applied after mount)."""

    name: str
    id: str
    kwargs: Mapping[str, Any]
    kept: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Binding:
    """Who a page was rendered for: the user, the browser's CSRF secret and the session.

    Digests only, so neither secret travels in the token. A page rendered before its
    session existed is bound to the user and the CSRF secret alone.
    """

    user: str | None
    csrf: str
    session: str | None

    @classmethod
    def of(
        cls, user_pk: object | None, session_key: str | None, csrf_secret: str | None
    ) -> Binding:
        return cls(
            user=None if user_pk is None else str(user_pk),
            csrf=_digest(csrf_secret or ""),
            session=_digest(session_key) if session_key else None,
        )

    @classmethod
    def of_visitor(cls, user: Any, session: Any, csrf_secret: str | None) -> Binding:
        """The binding of a request's or a socket's user and session (either may be absent):
        what the first render seals into the token and what the socket must match."""
        user_pk = user.pk if user is not None and user.is_authenticated else None
        return cls.of(user_pk, session.session_key if session is not None else None, csrf_secret)

    def admits(self, actual: Binding) -> bool:
        """Whether a connection made as `actual` may use a token bound to this."""
        if self.user != actual.user or not hmac.compare_digest(self.csrf, actual.csrf):
            return False
        return self.session is None or (
            actual.session is not None and hmac.compare_digest(self.session, actual.session)
        )


def _digest(secret: str) -> str:
    return hashlib.blake2b(secret.encode(), digest_size=16, person=b"liveview-bind").hexdigest()


@dataclass(frozen=True, slots=True)
class PageToken:
    components: tuple[ComponentSpec, ...]
    binding: Binding
    #: A random nonce, kept on renewal: two pages listing the same components get different
    #: tokens (nothing reads it back).
    page: str
    #: When the page was first rendered (Unix seconds): a token renewed with newer kept state
    #: expires when the first one does.
    issued: int | None = None

    @classmethod
    def new(cls, components: tuple[ComponentSpec, ...], binding: Binding) -> PageToken:
        return cls(
            components=components,
            binding=binding,
            page=secrets.token_urlsafe(8),
            issued=int(time.time()),
        )

    def renewed(self, components: tuple[ComponentSpec, ...]) -> PageToken:
        """The same page, for the same binding and as old, listing `components` (their state
        kept across reconnects as it is now)."""
        return replace(self, components=components)

    def sign(self) -> str:
        payload = {
            "v": VERSION,
            "p": self.page,
            "u": self.binding.user,
            "x": self.binding.csrf,
            "s": self.binding.session,
            "c": [_spec(c) for c in self.components],
        }
        if self.issued is not None:
            payload["o"] = self.issued
        try:
            json.dumps(payload)
        except (TypeError, ValueError) as exc:
            raise TokenSigningError(
                f"live component mount arguments must be JSON (kept state too): {exc}"
            ) from None
        signed = signing.dumps(payload, salt=SALT, compress=True)
        return token_cipher.encrypt(signed) if conf.token_encrypted() else signed

    @classmethod
    def verify(cls, signed: str | None, *, max_age: int | None = None) -> PageToken:
        if not signed:
            raise TokenError("no page token")
        if signed.startswith(token_cipher.PREFIX):  # whatever the setting says now
            try:
                signed = token_cipher.decrypt(signed)
            except token_cipher.DecryptionFailed:
                raise TokenError("page token invalid") from None
        try:
            payload = signing.loads(
                signed, salt=SALT, max_age=conf.token_max_age() if max_age is None else max_age
            )
        except signing.SignatureExpired:
            raise TokenError("page token expired") from None
        except (signing.BadSignature, ValueError):
            raise TokenError("page token invalid") from None
        if not isinstance(payload, dict) or payload.get("v") != VERSION:
            raise TokenError("page token of an unsupported version")
        issued = payload.get("o")
        limit = conf.token_max_age() if max_age is None else max_age
        if issued is not None and (type(issued) is not int or time.time() - issued > limit):
            raise TokenError("page token expired")
        try:
            components = tuple(_spec_from(item) for item in payload["c"])
            session = payload["s"]
            binding = Binding(
                user=payload["u"],
                csrf=str(payload["x"]),
                session=None if session is None else str(session),
            )
            return cls(
                components=components, binding=binding, page=str(payload["p"]), issued=issued
            )
        except (KeyError, TypeError, ValueError):
            raise TokenError("page token malformed") from None


def _spec(spec: ComponentSpec) -> list[Any]:
    item: list[Any] = [spec.name, spec.id, dict(spec.kwargs)]
    if spec.kept:
        item.append(dict(spec.kept))
    return item


def _spec_from(item: Any) -> ComponentSpec:
    name, cid, kwargs, *rest = item
    if len(rest) > 1:
        raise ValueError("a component of the token has too many parts")
    kept = dict(rest[0]) if rest else None
    return ComponentSpec(name=str(name), id=str(cid), kwargs=dict(kwargs), kept=kept)
