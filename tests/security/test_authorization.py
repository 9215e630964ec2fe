"""Authorization: components and events a user may not use, and sockets that outlive a login.

`login_required` / `permission_required` refuse the mount (HTTP 403; the socket closes with
4406 before anything renders), `@event(permission=...)` refuses the event (error banner, state
unchanged), and logout, deactivation or a removed permission close the user's sockets with
4410 within two seconds. The old page token then opens nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import logout
from django.contrib.auth.models import Group, Permission, User
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client
from pytest_django.fixtures import Settings

from liveview.batteries.inspector import inspect_process
from liveview.core import metrics
from liveview.socket.protocol import CloseCode
from liveview.testing.dom import Document
from tests.support import Spec, closed_with, communicator, saved_session, shown, token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_thread_db")]

MEMBERS: Spec = ("test_members_only", "lv-1", {})
EDITORS: Spec = ("test_editors_only", "lv-1", {})
GUARDED: Spec = ("test_guarded_events", "lv-1", {})


def _perm(codename: str) -> Permission:
    return Permission.objects.get(codename=codename, content_type__app_label="polls")


@sync_to_async
def new_user(name: str, *perms: str, group: bool = False) -> User:
    user = User.objects.create_user(name)
    granted = [_perm(p) for p in perms]
    if group:
        editors = Group.objects.create(name=f"{name}-group")
        editors.permissions.add(*granted)
        user.groups.add(editors)
    else:
        user.user_permissions.add(*granted)
    return user


@sync_to_async
def login(user: User) -> str:
    """A saved session logged in as `user`, as django.contrib.auth.login makes it."""
    return saved_session(user)


async def open_as(user: User | None, *specs: Spec) -> tuple[WebsocketCommunicator, str]:
    """A socket of `user`'s session (anonymous when None), its page token bound to them."""
    session = await login(user) if user is not None else None
    pk = user.pk if user is not None else None
    comm = communicator(token(*specs, user_pk=pk, session=session), session=session)
    connected, _ = await comm.connect()
    assert connected
    return comm, session or ""


async def send(comm: WebsocketCommunicator, name: str) -> str:
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": name}))
    frame: str = await comm.receive_from()
    return frame


async def in_db(func: Callable[[], Any]) -> Any:
    return await sync_to_async(func)()


# -- mount ------------------------------------------------------------------------------------


def test_http_render_of_a_login_required_component_is_403_for_anonymous(
    client: Client, settings: Settings
) -> None:
    settings.ROOT_URLCONF = "tests.security.urls"
    assert client.get("/guarded/test_members_only/").status_code == 403
    client.force_login(User.objects.create_user("member"))
    response = client.get("/guarded/test_members_only/")
    assert response.status_code == 200
    assert b"members: member" in response.content


def test_http_render_of_a_permission_required_component_is_403_without_it(
    client: Client, settings: Settings
) -> None:
    settings.ROOT_URLCONF = "tests.security.urls"
    user = User.objects.create_user("someone")
    client.force_login(user)
    assert client.get("/guarded/test_editors_only/").status_code == 403
    user.user_permissions.add(_perm("change_poll"))
    client.force_login(User.objects.get(pk=user.pk))  # a fresh user: no permission cache
    assert client.get("/guarded/test_editors_only/").status_code == 200


async def test_socket_mount_of_a_login_required_component_closes_4406_for_anonymous() -> None:
    comm, _ = await open_as(None, MEMBERS)
    assert await closed_with(comm) == CloseCode.ACCESS_DENIED  # nothing rendered before


async def test_socket_mount_without_the_permission_closes_4406_before_anything_renders() -> None:
    user = await new_user("no-perm")
    comm, _ = await open_as(user, GUARDED, EDITORS)  # one refused component refuses the page
    assert await closed_with(comm) == 4406


def test_access_denied_has_its_own_close_code_not_the_tokens() -> None:
    assert int(CloseCode.ACCESS_DENIED) != int(CloseCode.TOKEN_FORBIDDEN)
    assert CloseCode(CloseCode.ACCESS_DENIED).name == "ACCESS_DENIED"  # not an alias


async def test_an_access_denied_close_reaches_the_metrics_under_its_own_code() -> None:
    metrics.reset()
    comm, _ = await open_as(None, MEMBERS)
    code = await closed_with(comm)
    await comm.disconnect(code=code)  # the browser echoes the server's code; Daphne reports it
    assert dict(inspect_process().close_codes) == {CloseCode.ACCESS_DENIED: 1}
    assert CloseCode.TOKEN_FORBIDDEN not in dict(inspect_process().close_codes)
    metrics.reset()


async def test_socket_mount_with_the_permission_renders() -> None:
    user = await new_user("editor", "change_poll")
    comm, _ = await open_as(user, EDITORS)
    assert "editors: 0" in await comm.receive_from()
    assert "editors: 1" in await send(comm, "add")
    await comm.disconnect()


# -- events -----------------------------------------------------------------------------------


async def test_an_event_needing_a_login_is_refused_to_anonymous_and_runs_nothing() -> None:
    comm, _ = await open_as(None, GUARDED)
    await comm.receive_from()
    frame = await send(comm, "members")
    assert "You are not allowed to members." in frame
    assert "<p></p>" in frame  # state unchanged: the handler did not run
    assert "<p>a</p>" in await send(comm, "anyone")  # bare @event still works for anyone
    await comm.disconnect()


async def test_an_event_needing_a_permission_is_refused_without_it() -> None:
    user = await new_user("member", "change_poll")
    comm, _ = await open_as(user, GUARDED)
    page = Document(await comm.receive_from())
    page.apply(await send(comm, "members"))
    assert "<p>m</p>" in str(page.one("#lv-1"))
    page.apply(await send(comm, "editors"))
    assert "<p>me</p>" in str(page.one("#lv-1"))
    frame = await send(comm, "admins")  # needs delete_poll too
    assert "You are not allowed to admins." in frame and "<p>me</p>" in frame
    await comm.disconnect()


# -- logout and revocation --------------------------------------------------------------------


def _logout(session_key: str, user: User) -> None:
    request = HttpRequest()
    request.session = SessionStore(session_key=session_key)
    request.user = user
    logout(request)


async def test_logout_closes_every_socket_of_that_session_with_4410() -> None:
    user = await new_user("leaver")
    session = await login(user)
    sockets = []
    for spec in (MEMBERS, GUARDED):  # two pages (tabs) of the same session
        comm = communicator(token(spec, user_pk=user.pk, session=session), session=session)
        assert (await comm.connect())[0]
        await comm.receive_from()
        sockets.append(comm)
    await in_db(lambda: _logout(session, user))
    for comm in sockets:
        assert await closed_with(comm) == CloseCode.ACCESS_REVOKED


async def test_logout_leaves_the_same_users_other_sessions_open() -> None:
    user = await new_user("two-devices")
    here, session = await open_as(user, MEMBERS)
    there, _ = await open_as(user, MEMBERS)
    await here.receive_from()
    await there.receive_from()
    await in_db(lambda: _logout(session, user))
    assert await closed_with(here) == 4410
    assert await there.receive_nothing(timeout=0.5)
    await there.disconnect()


async def test_the_old_token_opens_nothing_after_logout() -> None:
    user = await new_user("returning")
    session = await login(user)
    signed = token(MEMBERS, user_pk=user.pk, session=session)
    comm = communicator(signed, session=session)
    assert (await comm.connect())[0]
    await comm.receive_from()
    await in_db(lambda: _logout(session, user))
    assert await closed_with(comm) == 4410
    again = communicator(signed, session=session)  # the reconnect, same cookies
    assert (await again.connect())[0]
    assert await closed_with(again) == CloseCode.TOKEN_FORBIDDEN


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(lambda u: u.user_permissions.remove(_perm("change_poll")), id="user-perm"),
        pytest.param(lambda u: u.user_permissions.clear(), id="user-perm-clear"),
        pytest.param(lambda u: _perm("change_poll").user_set.remove(u), id="perm-user-set"),
        pytest.param(lambda u: _perm("change_poll").user_set.clear(), id="perm-user-set-clear"),
        pytest.param(lambda u: _deactivate(u), id="deactivated"),
    ],
)
async def test_a_revoked_permission_closes_the_socket_with_4410(revoke: Any) -> None:
    user = await new_user("revoked", "change_poll")
    comm, _ = await open_as(user, EDITORS)
    await comm.receive_from()
    await in_db(lambda: revoke(User.objects.get(pk=user.pk)))
    assert await closed_with(comm) == 4410


def _deactivate(user: User) -> None:
    user.is_active = False
    user.save()


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(lambda u: u.groups.clear(), id="user-groups-clear"),
        pytest.param(lambda u: Group.objects.get(user=u).user_set.remove(u), id="group-user-set"),
        pytest.param(lambda u: Group.objects.get(user=u).permissions.clear(), id="group-perms"),
        pytest.param(lambda u: _perm("change_poll").group_set.clear(), id="perm-group-set-clear"),
    ],
)
async def test_a_permission_lost_with_a_group_closes_the_socket(revoke: Any) -> None:
    user = await new_user("grouped", "change_poll", group=True)
    comm, _ = await open_as(user, EDITORS)
    await comm.receive_from()
    await in_db(lambda: revoke(User.objects.get(pk=user.pk)))
    assert await closed_with(comm) == 4410


async def test_a_revocation_the_page_does_not_need_keeps_it_open_and_refuses_the_event() -> None:
    user = await new_user("partly", "change_poll")
    comm, _ = await open_as(user, GUARDED)
    first = await comm.receive_from()
    assert "<p>e</p>" in shown(first, await send(comm, "editors"))
    await in_db(lambda: User.objects.get(pk=user.pk).user_permissions.clear())
    assert await comm.receive_nothing(timeout=0.5)  # still open: the page needs no permission
    assert "You are not allowed to editors." in await send(comm, "editors")  # reloaded user
    await comm.disconnect()


async def test_another_users_revocation_does_not_touch_this_socket() -> None:
    user = await new_user("bystander", "change_poll")
    other = await new_user("other", "change_poll")
    comm, _ = await open_as(user, EDITORS)
    await comm.receive_from()
    await in_db(lambda: User.objects.get(pk=other.pk).user_permissions.clear())
    assert await comm.receive_nothing(timeout=0.5)
    assert "editors: 1" in await send(comm, "add")
    await comm.disconnect()
