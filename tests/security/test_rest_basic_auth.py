"""Basic auth on the REST API is off unless a setting turns it on (each guess costs a password
hash); when on, failed guesses are throttled per IP and per username (429 with Retry-After)
before any password is hashed. The throttle's clock is injected: attempts are counted."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.http import quote_etag
from pytest_django.fixtures import Settings

from liveview.batteries import rest_auth
from liveview.batteries.rest import ResourceAPI
from project.polls.forms import PollForm
from project.polls.models import Poll
from tests.security.rest_fixtures import PASSWORD, editor, fast_hashing, poll

pytestmark = pytest.mark.django_db
__all__ = ["editor", "fast_hashing", "poll"]  # the fixtures this module uses


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    cache.clear()  # the throttle's counts
    yield
    cache.clear()


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# -- item 7: Basic auth off by default ---------------------------------------------------------


def put_with(api: ResourceAPI[Poll], poll: Poll, authorization: str) -> HttpResponse:
    request = RequestFactory().put(
        f"/api/polls/{poll.pk}", json.dumps({"question": "By curl"}),
        content_type="application/json",
        headers={"if-match": quote_etag(poll.etag), "authorization": authorization},
    )  # fmt: skip
    request.user = AnonymousUser()
    return api.item_view(request, str(poll.pk))


def test_basic_auth_is_off_by_default(editor: User, poll: Poll) -> None:
    response = put_with(ResourceAPI(Poll, PollForm), poll, basic("editor", PASSWORD))
    assert response.status_code == 403  # the header is not read: an anonymous write
    assert Poll.objects.get(pk=poll.pk).question == "Tabs or spaces?"


def test_the_setting_turns_basic_auth_on(settings: Settings, editor: User, poll: Poll) -> None:
    settings.LIVEVIEW_REST_BASIC_AUTH = True
    response = put_with(ResourceAPI(Poll, PollForm), poll, basic("editor", PASSWORD))
    assert response.status_code == 200
    assert Poll.objects.get(pk=poll.pk).question == "By curl"


def test_an_api_may_turn_it_off_when_the_setting_is_on(
    settings: Settings, editor: User, poll: Poll
) -> None:
    settings.LIVEVIEW_REST_BASIC_AUTH = True
    api = ResourceAPI(Poll, PollForm, basic_auth=False)
    assert put_with(api, poll, basic("editor", PASSWORD)).status_code == 403


def test_wrong_credentials_cost_no_hashing_when_basic_auth_is_off(
    client: Client, poll: Poll, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_password_checks(monkeypatch)
    api = ResourceAPI(Poll, PollForm)
    request = RequestFactory().get(
        f"/api/polls/{poll.pk}", headers={"authorization": basic("a", "b")}
    )
    request.user = AnonymousUser()
    assert api.item_view(request, str(poll.pk)).status_code == 200  # a public read
    assert checked == []


# -- item 7: throttling --------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def count_password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every `authenticate` the API runs (each a password hash), by username."""
    checked: list[str] = []

    def counting(request: Any, username: str, password: str) -> Any:
        checked.append(username)
        return authenticate(request, username=username, password=password)

    monkeypatch.setattr(rest_auth, "authenticate", counting)
    return checked


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(rest_auth, "clock", fake)
    return fake


@pytest.fixture
def throttled(settings: Settings, clock: Clock) -> Clock:
    settings.LIVEVIEW_REST_BASIC_AUTH = True
    settings.LIVEVIEW_REST_AUTH_FAILURES = 3
    settings.LIVEVIEW_REST_AUTH_WINDOW = 600
    return clock


def get_as(poll: Poll, authorization: str, ip: str = "10.0.0.1") -> HttpResponse:
    request = RequestFactory().get(
        f"/api/polls/{poll.pk}", headers={"authorization": authorization}, REMOTE_ADDR=ip
    )
    request.user = AnonymousUser()
    return ResourceAPI(Poll, PollForm).item_view(request, str(poll.pk))


def test_failed_guesses_from_one_ip_are_throttled_before_any_hashing(
    throttled: Clock, editor: User, poll: Poll, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_password_checks(monkeypatch)
    statuses = [get_as(poll, basic(f"guess{i}", "wrong")).status_code for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert len(checked) == 3  # the refused ones hashed nothing
    refused = get_as(poll, basic("editor", PASSWORD))  # even the right password, from that IP
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert "too many failed" in json.loads(refused.content)["error"]
    assert 0 < int(refused["Retry-After"]) <= 600
    assert get_as(poll, basic("editor", PASSWORD), ip="10.0.0.2").status_code == 200


def test_failed_guesses_for_one_username_are_throttled_from_every_ip(
    throttled: Clock, editor: User, poll: Poll, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_password_checks(monkeypatch)
    statuses = [
        get_as(poll, basic("editor", "wrong"), ip=f"10.0.1.{i}").status_code for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    assert len(checked) == 3
    assert get_as(poll, basic("editor", PASSWORD), ip="10.0.2.1").status_code == 429
    assert get_as(poll, basic("other", "wrong"), ip="10.0.2.1").status_code == 401


def test_the_throttle_lifts_once_its_window_has_passed(
    throttled: Clock, editor: User, poll: Poll
) -> None:
    for _ in range(3):
        assert get_as(poll, basic("editor", "wrong")).status_code == 401
    refused = get_as(poll, basic("editor", PASSWORD))
    assert refused.status_code == 429
    throttled.now += int(refused["Retry-After"])
    assert get_as(poll, basic("editor", PASSWORD)).status_code == 200


def test_successful_logins_are_not_counted(throttled: Clock, editor: User, poll: Poll) -> None:
    for _ in range(10):
        assert get_as(poll, basic("editor", PASSWORD)).status_code == 200


# -- review: guesses in flight, spellings of one username, addresses of one IPv6 host -------


def test_guesses_in_flight_at_once_are_counted_before_any_is_hashed(
    throttled: Clock, editor: User, poll: Poll, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ten requests arrive while earlier ones are still hashing their passwords (each hash takes
    # a quarter of a second): a request in `authenticate` sends the next ones before it hashes,
    # so they are all in flight together. Only the limit's worth of them may hash a password.
    checked: list[str] = []
    statuses: dict[int, int] = {}

    def send(n: int) -> None:
        statuses[n] = 0  # sent, not answered yet
        statuses[n] = get_as(poll, basic(f"guess{n}", "wrong")).status_code

    def concurrent(request: Any, username: str, password: str) -> Any:
        checked.append(username)
        while len(statuses) < 10:
            send(len(statuses))
        return authenticate(request, username=username, password=password)

    monkeypatch.setattr(rest_auth, "authenticate", concurrent)
    send(0)
    assert len(checked) == 3  # LIVEVIEW_REST_AUTH_FAILURES
    assert sorted(statuses.values()) == [401] * 3 + [429] * 7


def test_a_login_in_flight_that_succeeds_is_not_counted(
    throttled: Clock, editor: User, poll: Poll
) -> None:
    for _ in range(2):
        assert get_as(poll, basic("editor", "wrong")).status_code == 401
    for _ in range(3):  # at the limit but one: a success gives back the attempt it reserved
        assert get_as(poll, basic("editor", PASSWORD)).status_code == 200
    assert get_as(poll, basic("editor", "wrong")).status_code == 401
    assert get_as(poll, basic("editor", PASSWORD)).status_code == 429


def test_spellings_of_one_username_share_its_count(
    throttled: Clock, editor: User, poll: Poll
) -> None:
    # Backends often match usernames (or emails) case-insensitively, and MySQL's default
    # collation does: EDITOR, Editor and a full-width ｅditor must not each get the limit.
    spellings = ["editor", "EDITOR", "Editor", "\uff45ditor"]
    statuses = [
        get_as(poll, basic(name, "wrong"), ip=f"10.0.3.{i}").status_code
        for i, name in enumerate(spellings)
    ]
    assert statuses == [401, 401, 401, 429]


def test_the_addresses_of_one_ipv6_network_share_a_count(
    throttled: Clock, editor: User, poll: Poll
) -> None:
    # An IPv6 host commonly holds a whole /64: one address each guess would never be throttled.
    statuses = [
        get_as(poll, basic(f"guess{i}", "wrong"), ip=f"2001:db8:1:2::{i:x}").status_code
        for i in range(1, 6)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    assert get_as(poll, basic("editor", PASSWORD), ip="2001:db8:1:3::1").status_code == 200


@pytest.mark.parametrize(
    ("name", "value"), [("LIVEVIEW_REST_AUTH_WINDOW", 0), ("LIVEVIEW_REST_AUTH_FAILURES", -1)]
)
def test_a_throttle_setting_below_one_is_named_in_the_error(
    settings: Settings, poll: Poll, name: str, value: int
) -> None:
    settings.LIVEVIEW_REST_BASIC_AUTH = True
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        get_as(poll, basic("editor", "wrong"))
