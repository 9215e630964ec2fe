# A saved session for tests that open sockets by hand: anonymous, or logged in as a user the way
# `auth.login` leaves it (LiveClient.login does the same through Django's test client).
from __future__ import annotations

from typing import Any


def saved_session(user: Any = None) -> str:
    """The key of a saved session: anonymous, or logged in as `user` as `auth.login` makes it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    if user is not None:
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    assert store.session_key is not None
    return store.session_key
