"""liveview.rest through the demo's /api/polls/: status codes, conditional requests, auth, sync."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils.http import quote_etag
from pytest_django.fixtures import Settings

from liveview.batteries import rest_auth
from liveview.batteries.rest import ResourceAPI
from liveview.pubsub.publish import group_name
from project.polls.forms import PollForm
from project.polls.models import Choice, Poll
from tests.security.rest_fixtures import PASSWORD, fast_hashing

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rest.md"
__all__ = ["fast_hashing"]  # the fixture this module uses


@pytest.fixture
def poll() -> Poll:
    poll = Poll.objects.create(question="Tabs or spaces?")
    Choice.objects.create(poll=poll, text="Tabs")
    return poll


def make_user(name: str, *codenames: str) -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor() -> User:
    return make_user("editor", "add_poll", "change_poll", "delete_poll")


@pytest.fixture
def editor_client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def url(poll: Poll | int | str) -> str:
    return f"/api/polls/{poll.pk if isinstance(poll, Poll) else poll}"


def send(
    client: Client,
    method: str,
    path: str,
    body: Any = None,
    *,
    content_type: str = "application/json",
    **headers: str,
) -> Response:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.generic(method, path, data, content_type=content_type, headers=headers)


def put(client: Client, poll: Poll, body: Any, etag: str) -> Response:
    return send(client, "PUT", url(poll), body, if_match=etag)


# -- reads ------------------------------------------------------------------------------------


def test_get_serves_the_resource_with_its_etag(client: Client, poll: Poll) -> None:
    response = client.get(url(poll))
    assert response.status_code == 200
    assert response["ETag"] == f'"{poll.etag}"'
    assert response.json() == poll.to_json() | {"created": poll.created.isoformat()}


def test_if_none_match_with_the_current_etag_is_304(client: Client, poll: Poll) -> None:
    response = client.get(url(poll), headers={"if-none-match": f'W/"x", W/"{poll.etag}"'})
    assert response.status_code == 304
    assert response["ETag"] == quote_etag(poll.etag)
    assert response.content == b""


def test_if_none_match_star_is_304(client: Client, poll: Poll) -> None:
    assert client.get(url(poll), headers={"if-none-match": "*"}).status_code == 304


def test_if_none_match_with_an_old_etag_serves_the_resource(client: Client, poll: Poll) -> None:
    response = client.get(url(poll), headers={"if-none-match": '"old"'})
    assert response.status_code == 200
    assert response.json()["question"] == "Tabs or spaces?"


def test_an_unknown_id_is_404(client: Client) -> None:
    assert client.get(url(999_999)).status_code == 404


@pytest.mark.parametrize("pk", ["abc", "1.5", "99999999999999999999999999"])
def test_an_id_that_is_not_a_key_is_404_not_500(client: Client, pk: str) -> None:
    assert client.get(url(pk)).status_code == 404


def test_the_collection_lists_resources_a_page_at_a_time(client: Client, poll: Poll) -> None:
    every = client.get("/api/polls/").json()
    first = client.get("/api/polls/?limit=2")
    assert [p["id"] for p in first.json()] == [p["id"] for p in every[:2]]
    assert first["Link"] == '<http://testserver/api/polls/?limit=2&offset=2>; rel="next"'
    last = client.get(f"/api/polls/?limit=2&offset={len(every) - 1}")
    assert [p["uri"] for p in last.json()] == [poll.uri]
    assert "Link" not in last


def test_a_limit_above_the_page_size_is_clamped(client: Client, poll: Poll) -> None:
    api = ResourceAPI(Poll, PollForm, page_size=1)
    request = RequestFactory().get("/api/polls/?limit=50")
    request.user = AnonymousUser()
    assert len(json.loads(api.collection_view(request).content)) == 1


def test_a_bad_limit_is_400(client: Client) -> None:
    assert client.get("/api/polls/?limit=zero").status_code == 400
    assert client.get("/api/polls/?limit=0").status_code == 400


def test_a_read_permission_is_required_when_declared(poll: Poll) -> None:
    api = ResourceAPI(Poll, PollForm, read_permission="polls.view_poll")
    request = RequestFactory().get(url(poll))
    request.user = AnonymousUser()
    assert api.item_view(request, str(poll.pk)).status_code == 403
    request.user = make_user("viewer", "view_poll")
    assert api.item_view(request, str(poll.pk)).status_code == 200


# -- writes -----------------------------------------------------------------------------------


def test_put_replaces_and_returns_the_new_etag(editor_client: Client, poll: Poll) -> None:
    # A GET body can be PUT back: fields the form does not know (uri, id, choices) are ignored.
    body = editor_client.get(url(poll)).json() | {"question": "Spaces or tabs?"}
    response = put(editor_client, poll, body, quote_etag(poll.etag))
    assert response.status_code == 200
    stored = Poll.objects.get(pk=poll.pk)
    assert stored.question == "Spaces or tabs?"
    assert response["ETag"] == quote_etag(stored.etag) != quote_etag(poll.etag)
    assert response.json()["question"] == "Spaces or tabs?"


def test_put_without_a_required_field_is_400_with_field_errors(
    editor_client: Client, poll: Poll
) -> None:
    response = put(editor_client, poll, {}, quote_etag(poll.etag))
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"question": [{"message": "This field is required.", "code": "required"}]}
    }
    assert Poll.objects.get(pk=poll.pk).etag == poll.etag


def test_patch_merges_onto_the_current_values(editor_client: Client, poll: Poll) -> None:
    response = send(editor_client, "PATCH", url(poll), {}, if_match=quote_etag(poll.etag))
    assert response.status_code == 200
    assert Poll.objects.get(pk=poll.pk).question == "Tabs or spaces?"
    response = send(
        editor_client, "PATCH", url(poll), {"question": "Tabs?"}, if_match=response["ETag"]
    )
    assert response.json()["question"] == Poll.objects.get(pk=poll.pk).question == "Tabs?"


def test_patch_still_validates(editor_client: Client, poll: Poll) -> None:
    body = {"question": "x" * 201}
    response = send(editor_client, "PATCH", url(poll), body, if_match=quote_etag(poll.etag))
    assert response.status_code == 400
    assert response.json()["errors"]["question"][0]["code"] == "max_length"


def test_a_write_without_if_match_is_428(editor_client: Client, poll: Poll) -> None:
    assert send(editor_client, "PUT", url(poll), {"question": "?"}).status_code == 428
    assert send(editor_client, "DELETE", url(poll)).status_code == 428
    assert Poll.objects.filter(pk=poll.pk, question="Tabs or spaces?").exists()


def test_a_write_with_a_stale_etag_is_412_with_the_current_one(
    editor_client: Client, poll: Poll
) -> None:
    response = put(editor_client, poll, {"question": "Mine"}, '"stale"')
    assert response.status_code == 412
    assert response.json()["etag"] == poll.etag
    assert response["ETag"] == quote_etag(poll.etag)
    assert Poll.objects.get(pk=poll.pk).question == "Tabs or spaces?"


def test_a_malformed_if_match_is_400(editor_client: Client, poll: Poll) -> None:
    assert put(editor_client, poll, {"question": "?"}, "not-quoted").status_code == 400


def test_concurrent_puts_with_one_etag_one_wins(
    editor_client: Client, poll: Poll, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second PUT lands while the first is validating, after its If-Match was checked: only
    # the conditional UPDATE in save_if_match can still tell, and it must answer 412.
    etag = quote_etag(poll.etag)
    inner: list[Response] = []
    original = PollForm.clean

    def clean(form: PollForm) -> dict[str, Any] | None:
        if form.data["question"] == "First" and not inner:
            inner.append(put(editor_client, poll, {"question": "Second"}, etag))
        return original(form)

    monkeypatch.setattr(PollForm, "clean", clean)
    outer = put(editor_client, poll, {"question": "First"}, etag)
    assert (outer.status_code, inner[0].status_code) == (412, 200)
    stored = Poll.objects.get(pk=poll.pk)
    assert stored.question == "Second"
    assert outer.json()["etag"] == stored.etag
    assert inner[0]["ETag"] == quote_etag(stored.etag)


def test_post_creates_and_answers_201_with_location(editor_client: Client) -> None:
    body = {"question": "Best editor?", "choices": ["vim", " emacs "]}
    response = send(editor_client, "POST", "/api/polls/", body)
    assert response.status_code == 201
    created = Poll.objects.get(question="Best editor?")
    assert response["Location"] == f"http://testserver/api/polls/{created.pk}"
    assert response["ETag"] == quote_etag(created.etag)
    assert [c["text"] for c in response.json()["choices"]] == ["vim", "emacs"]
    assert editor_client.get(response["Location"]).json() == response.json()


def test_post_with_bad_choices_is_400(editor_client: Client) -> None:
    response = send(editor_client, "POST", "/api/polls/", {"question": "?", "choices": "a, b"})
    assert response.status_code == 400
    assert response.json()["errors"]["choices"][0]["code"] == "invalid"
    assert not Poll.objects.filter(question="?").exists()


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        ("question=Hi", "application/x-www-form-urlencoded", "Content-Type"),
        ("{not json", "application/json", "not JSON"),
        ('["Hi"]', "application/json", "JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(
    editor_client: Client, body: str, content_type: str, says: str
) -> None:
    response = send(editor_client, "POST", "/api/polls/", body, content_type=content_type)
    assert response.status_code == 400
    assert says in response.json()["error"]


def test_delete_is_204_and_removes_the_resource(editor_client: Client, poll: Poll) -> None:
    response = send(editor_client, "DELETE", url(poll), if_match=quote_etag(poll.etag))
    assert response.status_code == 204
    assert not Poll.objects.filter(pk=poll.pk).exists()
    assert editor_client.get(url(poll)).status_code == 404


def test_a_stale_delete_is_412(editor_client: Client, poll: Poll) -> None:
    assert send(editor_client, "DELETE", url(poll), if_match='"stale"').status_code == 412
    assert Poll.objects.filter(pk=poll.pk).exists()


def test_an_unsupported_method_is_405_with_allow(editor_client: Client, poll: Poll) -> None:
    response = send(editor_client, "POST", url(poll), {"question": "?"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, PUT, PATCH, DELETE, HEAD"
    assert send(editor_client, "PUT", "/api/polls/", {}).status_code == 405


# -- authentication and permissions -----------------------------------------------------------


def test_an_anonymous_write_is_403(client: Client, poll: Poll) -> None:
    response = put(client, poll, {"question": "Anon"}, quote_etag(poll.etag))
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response  # no Basic dialog over a live page
    assert "polls.change_poll is required" in response.json()["error"]
    assert Poll.objects.get(pk=poll.pk).question == "Tabs or spaces?"


def test_a_write_without_the_permission_is_403(poll: Poll) -> None:
    client = Client()
    client.force_login(make_user("reader", "change_poll"))
    assert send(client, "POST", "/api/polls/", {"question": "New"}).status_code == 403
    assert send(client, "DELETE", url(poll), if_match=quote_etag(poll.etag)).status_code == 403
    assert Poll.objects.filter(pk=poll.pk).exists()


def test_a_session_write_without_the_csrf_token_is_refused(editor: User, poll: Poll) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = put(client, poll, {"question": "Forged"}, quote_etag(poll.etag))
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    client.cookies["csrftoken"] = token = "a" * 32
    response = send(
        client, "PUT", url(poll), {"question": "Mine"}, if_match=quote_etag(poll.etag),
        x_csrftoken=token,
    )  # fmt: skip
    assert response.status_code == 200


@pytest.fixture
def basic_auth_on(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.LIVEVIEW_REST_BASIC_AUTH = True  # off by default: see test_rest_basic_auth.py
    monkeypatch.setattr(rest_auth, "clock", lambda: 1_000_000.0)  # one throttle window
    cache.clear()  # failed logins are counted per IP: start from none, leave none
    yield
    cache.clear()


@pytest.mark.usefixtures("basic_auth_on")
def test_basic_auth_writes_without_a_csrf_token(editor: User, poll: Poll) -> None:
    client = Client(enforce_csrf_checks=True)
    response = send(
        client, "PUT", url(poll), {"question": "By curl"}, if_match=quote_etag(poll.etag),
        authorization=basic("editor", PASSWORD),
    )  # fmt: skip
    assert response.status_code == 200
    assert Poll.objects.get(pk=poll.pk).question == "By curl"


@pytest.mark.usefixtures("basic_auth_on")
@pytest.mark.parametrize("authorization", [basic("editor", "wrong"), "Basic !!!", basic("", "")])
def test_bad_basic_credentials_are_401_with_a_challenge(
    client: Client, editor: User, poll: Poll, authorization: str
) -> None:
    response = client.get(url(poll), headers={"authorization": authorization})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api", charset="UTF-8"'


@pytest.mark.usefixtures("basic_auth_on")
def test_too_many_failed_basic_logins_are_429_with_retry_after(
    client: Client, settings: Settings, editor: User, poll: Poll
) -> None:
    settings.LIVEVIEW_REST_AUTH_FAILURES = 2
    wrong = {"authorization": basic("editor", "wrong")}
    assert [client.get(url(poll), headers=wrong).status_code for _ in range(2)] == [401, 401]
    response = client.get(url(poll), headers={"authorization": basic("editor", PASSWORD)})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == response.json()["retry_after"] > 0


# -- sync -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_put_publishes_one_change_to_the_uri_after_commit(
    editor_client: Client, poll: Poll
) -> None:
    # Sync on purpose: an async test would leave a DB connection in asgiref's executor thread,
    # which then breaks later consumer tests that have no database.
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name(poll.uri), channel)
    response = put(editor_client, poll, {"question": "Live!"}, quote_etag(poll.etag))
    assert response.status_code == 200
    stored = Poll.objects.get(pk=poll.pk)

    async def receive(timeout: float) -> dict[str, Any]:
        message: dict[str, Any] = await asyncio.wait_for(layer.receive(channel), timeout)
        return message

    message = async_to_sync(receive)(2)
    assert (message["method"], message["uri"], message["etag"]) == ("PUT", poll.uri, stored.etag)
    assert response["ETag"] == quote_etag(stored.etag)
    with pytest.raises(asyncio.TimeoutError):
        async_to_sync(receive)(0.2)


# -- docs -------------------------------------------------------------------------------------


def test_every_documented_status_is_tested_and_every_tested_one_documented() -> None:
    table = DOCS.read_text().split("## Status codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d{3}) \|", table, flags=re.M)}
    tested = {int(c) for c in re.findall(r"status_code == (\d{3})", Path(__file__).read_text())}
    assert documented == tested
