"""What the REST security tests share: fast password hashing, a poll, an editor of polls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Permission, User
from django.test import override_settings

from project.polls.models import Poll

PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def fast_hashing() -> Iterator[None]:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def poll() -> Poll:
    return Poll.objects.create(question="Tabs or spaces?")


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user("editor", password=PASSWORD)
    user.user_permissions.add(*Permission.objects.filter(codename="change_poll"))
    return user
