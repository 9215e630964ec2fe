"""Every change to a user that can change what they may do re-checks their open sockets: a new
password (other sessions are logged out), superuser or staff lost, deactivation, a group or a
permission removed or deleted, the user deleted. A page the user may no longer see closes 4410."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from liveview.authoring import authz
from liveview.pubsub.resources import ResourceChanged
from liveview.socket.protocol import CloseCode
from tests.support import Spec, closed_with, communicator, saved_session, token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_thread_db")]

MEMBERS: Spec = ("test_members_only", "lv-1", {})
EDITORS: Spec = ("test_editors_only", "lv-1", {})


def _perm() -> Permission:
    return Permission.objects.get(codename="change_poll", content_type__app_label="polls")


@sync_to_async
def staff_user(name: str, *, superuser: bool = False, group: bool = False) -> User:
    """An active staff account with polls.change_poll (as superuser, direct, or by a group)."""
    user = User.objects.create_user(name, password="old-pass", is_staff=True)
    if superuser:
        user.is_superuser = True
        user.save()
    elif group:
        editors = Group.objects.create(name=f"{name}-group")
        editors.permissions.add(_perm())
        user.groups.add(editors)
    else:
        user.user_permissions.add(_perm())
    return user


async def opened(user: User, spec: Spec) -> Any:
    session = await sync_to_async(saved_session)(user)
    comm = communicator(token(spec, user_pk=user.pk, session=session), session=session)
    assert (await comm.connect())[0]
    await comm.receive_from()
    return comm


def _new_password(user: User) -> None:
    user.set_password("new-pass")
    user.save()


def _new_password_saved_alone(user: User) -> None:
    user.set_password("new-pass")
    user.save(update_fields=["password"])


def _not_superuser(user: User) -> None:
    user.is_superuser = False
    user.save()


CHANGES: list[Any] = [
    pytest.param(_new_password, MEMBERS, {}, id="password"),
    pytest.param(_new_password_saved_alone, MEMBERS, {}, id="password-update-fields"),
    pytest.param(_not_superuser, EDITORS, {"superuser": True}, id="superuser-lost"),
    pytest.param(
        lambda u: Group.objects.filter(user=u).delete(),
        EDITORS,
        {"group": True},
        id="group-deleted",
    ),
    pytest.param(lambda u: _perm().delete(), EDITORS, {}, id="permission-deleted"),
    pytest.param(
        lambda u: _perm().delete(), EDITORS, {"group": True}, id="group-permission-deleted"
    ),
    pytest.param(lambda u: u.delete(), MEMBERS, {}, id="user-deleted"),
]


@pytest.mark.parametrize(("change", "spec", "kind"), CHANGES)
async def test_a_change_of_access_closes_the_staff_users_socket(
    change: Callable[[User], Any], spec: Spec, kind: dict[str, bool]
) -> None:
    user = await staff_user("staffer", **kind)
    comm = await opened(user, spec)
    await sync_to_async(lambda: change(User.objects.get(pk=user.pk)))()
    assert await closed_with(comm) == CloseCode.ACCESS_REVOKED


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ResourceChanged]]:
    sent: list[ResourceChanged] = []
    monkeypatch.setattr(authz, "publish", sent.append)
    yield sent


@pytest.mark.parametrize(
    "save",
    [
        pytest.param(lambda u: u.save(update_fields=["last_login"]), id="login"),
        pytest.param(lambda u: u.save(update_fields=["first_name"]), id="name-only"),
    ],
)
def test_a_save_that_cannot_change_access_publishes_nothing(
    published: list[ResourceChanged], save: Callable[[User], Any]
) -> None:
    user = User.objects.create_user("quiet", is_staff=True)
    user.last_login, user.first_name = timezone.now(), "Q"
    save(user)
    assert published == []


def test_a_save_that_may_change_access_publishes_once_for_the_user(
    published: list[ResourceChanged],
) -> None:
    user = User.objects.create_user("loud", is_staff=True)
    user.is_superuser = True  # gaining rights is harmless, but a full save is not inspected
    user.save()
    assert [c.uri for c in published] == [authz.user_topic(user.pk)]


async def test_a_recheck_that_keeps_the_socket_gives_the_page_and_the_scope_one_user() -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from liveview.runtime.page import Page

    user = await staff_user("ada")
    key = await sync_to_async(saved_session)(user)
    scope: dict[str, Any] = {"user": user, "session": SessionStore(session_key=key)}
    page = Page(user=user, connected=True)
    await User.objects.filter(pk=user.pk).aupdate(first_name="Ada")
    assert await authz.access_changed_for(scope, page, [])
    assert isinstance(page.user, User) and page.user.first_name == "Ada"
    assert scope["user"] is page.user  # what the socket checks next is the reloaded user
