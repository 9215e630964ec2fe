"""The poll editor without JavaScript: the same ETag rules as the live editor (issue 12)."""

from __future__ import annotations

import pytest
from django.test import Client

from project.polls.models import Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll() -> Poll:
    return Poll.objects.create(question="Original?")


def post(poll: Poll, **data: str) -> tuple[int, str]:
    response = Client().post(f"/polls/{poll.pk}/edit/", data)
    return response.status_code, response.content.decode()


def stored(poll: Poll) -> str:
    return Poll.objects.get(pk=poll.pk).question


def test_a_save_on_the_current_version_saves(poll: Poll) -> None:
    status, _ = post(poll, question="Mine?", etag=poll.etag)
    assert status == 302 and stored(poll) == "Mine?"


def test_a_save_on_an_older_version_is_a_conflict(poll: Poll) -> None:
    base = poll.etag
    Poll.objects.get(pk=poll.pk).save()  # someone else's write, a new ETag
    status, html = post(poll, question="Mine?", etag=base)
    assert status == 409 and stored(poll) == "Original?" and 'name="their_etag"' in html


def test_an_overwrite_saves_only_over_the_version_shown(poll: Poll) -> None:
    shown = poll.etag
    third = Poll.objects.get(pk=poll.pk)
    third.question = "Third?"
    third.save()
    status, html = post(poll, question="Mine?", action="overwrite", their_etag=shown)
    assert status == 409 and stored(poll) == "Third?" and "Third?" in html


def test_a_save_without_its_etag_is_refused_and_keeps_the_input(poll: Poll) -> None:
    status, html = post(poll, question="Mine?")
    assert status == 428 and stored(poll) == "Original?"
    assert "etag" in html and 'value="Mine?"' in html
    status, html = post(poll, question="Mine?", etag=poll.etag, action="overwrite")
    assert status == 428 and stored(poll) == "Original?" and "their_etag" in html
