"""REST input that used to answer 500 is a 400 with a JSON error: an offset past what the
database can hold, a JSON body nested past Python's recursion limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client, override_settings
from django.utils.http import quote_etag

from project.polls.models import Poll

pytestmark = pytest.mark.django_db
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


@pytest.mark.parametrize("offset", ["99999999999999999999999", str(2**63), str(2**63 - 1)])
def test_a_huge_offset_is_400_not_500(client: Client, poll: Poll, offset: str) -> None:
    response = client.get(f"/api/polls/?offset={offset}")
    assert response.status_code == 400
    assert "offset" in response.json()["error"]


def test_the_largest_offset_allowed_is_an_empty_page(client: Client, poll: Poll) -> None:
    response = client.get(f"/api/polls/?offset={2**62}")
    assert response.status_code == 200
    assert response.json() == []


def test_a_deeply_nested_body_is_400_not_500(editor: User, poll: Poll) -> None:
    client = Client()
    client.force_login(editor)
    body = '{"question": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.put(
        f"/api/polls/{poll.pk}", body, content_type="application/json",
        headers={"if-match": quote_etag(poll.etag)},
    )  # fmt: skip
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]
    assert Poll.objects.get(pk=poll.pk).question == "Tabs or spaces?"
