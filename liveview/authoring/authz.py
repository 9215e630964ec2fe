# Who may see a component and call its events: login_required / permission_required, checked
# at mount and before every event; logout and revoked permissions close the user's sockets.
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any, Final

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.exceptions import PermissionDenied

from liveview.pubsub import resources
from liveview.pubsub.publish import publish
from liveview.pubsub.resources import NO_TOPICS, ResourceChanged

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from liveview.authoring.component import LiveComponent
    from liveview.authoring.events import EventHandler
    from liveview.runtime.page import Page

    AnyUser = User | AnonymousUser | None

#: Control topics: one per user, published when that user's access may have changed.
USERS: Final = resources.USERS
#: The method of a logout change (its etag: the digest of the session that ended).
LOGOUT: Final = "DELETE"


class AccessDenied(PermissionDenied):
    """The user may not mount this component or call this event (Django answers 403)."""


def permissions_of(required: str | Iterable[str] | None) -> tuple[str, ...]:
    """`permission_required` as a tuple: a string is one permission, None is none."""
    if required is None:
        return ()
    if isinstance(required, str):
        return (required,)
    return tuple(required)


def allowed(user: AnyUser, *, login_required: bool, permissions: tuple[str, ...]) -> bool:
    if not (login_required or permissions):
        return True
    if user is None or not user.is_authenticated:
        return False
    return not permissions or user.has_perms(permissions)


def check_component(cls: type[LiveComponent], user: AnyUser) -> None:
    """AccessDenied unless `user` meets the class's `login_required` and `permission_required`."""
    if not allowed(
        user,
        login_required=cls.login_required,
        permissions=permissions_of(cls.permission_required),
    ):
        raise AccessDenied(f"not allowed to see {cls.__name__}")
    if cls.staff_required and not is_staff(user):
        raise AccessDenied(f"not allowed to see {cls.__name__}: staff only")


def may_call(user: AnyUser, comp: LiveComponent, handler: EventHandler) -> bool:
    """Whether `user` meets the component's and the event's requirements."""
    try:
        check_component(type(comp), user)
    except AccessDenied:
        return False
    return allowed(user, login_required=handler.login_required, permissions=handler.permissions)


def admits(page: Page, user: AnyUser) -> bool:
    """Whether `user` may still see every component of `page` (after a change of access)."""
    try:
        for comp in page.components.values():
            check_component(type(comp), user)
    except AccessDenied:
        return False
    return True


def is_staff(user: AnyUser) -> bool:
    """Like Django's ``staff_member_required``: logged in, active and ``is_staff``."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def user_topic(pk: object) -> str:
    return f"{USERS}{pk}"


def session_digest(session_key: str | None) -> str | None:
    if not session_key:
        return None
    digest = hashlib.blake2b(session_key.encode(), digest_size=16, person=b"liveview-logout")
    return digest.hexdigest()


def publish_access_changed(pks: Iterable[object]) -> None:
    """Tell every socket of these users to check again what they may see."""
    for pk in dict.fromkeys(pks):
        # A fresh etag each time: the hub drops repeats of the same (method, uri, etag).
        publish(ResourceChanged("PUT", user_topic(pk), USERS, secrets.token_hex(8), None))


def publish_logout(pk: object, session_key: str | None) -> None:
    """Close every socket of this user's ending session; its other sessions are checked again."""
    etag = session_digest(session_key) or secrets.token_hex(8)
    publish(ResourceChanged(LOGOUT, user_topic(pk), USERS, etag, None))


def control_topics(scope: dict[str, Any]) -> frozenset[str]:
    """The control topics a socket follows: its user's, when someone is logged in."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return NO_TOPICS
    return frozenset({user_topic(user.pk)})


async def access_changed_for(
    scope: dict[str, Any], page: Page, changes: list[ResourceChanged]
) -> bool:
    """Whether the socket may stay open: its session still logged in as its user, who may
    still see every component of the page. On True the page's user is the reloaded one."""
    session = scope.get("session")
    key = session.session_key if session is not None else None
    mine = session_digest(key)
    if any(c.method == LOGOUT and c.etag == mine for c in changes):
        return False  # this very session is ending: nothing to reload
    user = scope.get("user")
    fresh = await database_sync_to_async(_reload_user)(key)
    if user is None or fresh.pk != user.pk:
        return False
    if not await database_sync_to_async(admits)(page, fresh):
        return False
    # One user for the socket: its scope's (what the next check compares with) and its page's.
    scope["user"] = page.user = fresh
    return True


def _reload_user(session_key: str | None) -> Any:
    """The session's user as the database has it now (AnonymousUser once it is not valid)."""
    from django.contrib.auth import get_user
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    if not session_key:
        return AnonymousUser()
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    return get_user(request)


def split_control(
    targets: dict[Any, list[ResourceChanged]],
) -> tuple[dict[Any, list[ResourceChanged]], dict[Any, list[ResourceChanged]]]:
    """A hub delivery split into (control changes per subscriber, the rest)."""
    control: dict[Any, list[ResourceChanged]] = {}
    if not _any_control(targets):
        return control, targets  # the usual delivery: no subscriber's list needs reading
    rest: dict[Any, list[ResourceChanged]] = {}
    for subscriber, changes in targets.items():
        mine = [c for c in changes if c.collection == USERS]
        others = [c for c in changes if c.collection != USERS] if mine else changes
        if mine:
            control[subscriber] = mine
        if others:
            rest[subscriber] = others
    return control, rest


def _any_control(targets: dict[Any, list[ResourceChanged]]) -> bool:
    for changes in targets.values():  # a plain loop: no list made per subscriber
        for change in changes:
            if change.collection == USERS:
                return True
    return False


# -- the signals that publish a user's access change ----------------------------------------


def connect_signals() -> None:
    """Connected by the app's ready(): logout, and every change to a user, their groups or
    permissions that can change what they may do."""
    from django.contrib.auth import get_user_model, user_logged_out
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    user_model = get_user_model()
    user_logged_out.connect(_logged_out, dispatch_uid="liveview.authz.logout")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="liveview.authz.user")
    post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="liveview.authz.deleted")
    # A deleted group or permission takes its links with it (no m2m_changed): read them first.
    if hasattr(user_model, "groups") and hasattr(user_model, "user_permissions"):
        pre_delete.connect(_group_deleted, sender=Group, dispatch_uid="liveview.authz.group-del")
        pre_delete.connect(
            _permission_deleted, sender=Permission, dispatch_uid="liveview.authz.perm-del"
        )
    for field in ("user_permissions", "groups"):
        through = getattr(getattr(user_model, field, None), "through", None)
        if through is not None:
            m2m_changed.connect(_user_m2m, sender=through, dispatch_uid=f"liveview.authz.{field}")
    m2m_changed.connect(
        _group_permissions, sender=Group.permissions.through, dispatch_uid="liveview.authz.group"
    )


def _on_commit(func: Any) -> None:
    from django.db import transaction

    transaction.on_commit(func)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None or user.pk is None:
        return
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    pk = user.pk
    _on_commit(lambda: publish_logout(pk, key))


#: The user fields a save can change access by: a new password ends the user's other sessions
#: (Django's session hash), the flags grant or take rights.
_ACCESS_FIELDS = frozenset({"password", "is_active", "is_staff", "is_superuser"})


def _user_saved(
    sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    # A save does not say what changed: every save is checked again, except one that names
    # its fields and none of them can change access (a login's last_login update).
    if created or (update_fields is not None and not _ACCESS_FIELDS & set(update_fields)):
        return
    pk = instance.pk
    _on_commit(lambda: publish_access_changed([pk]))


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    pk = instance.pk
    _on_commit(lambda: publish_access_changed([pk]))


def _group_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from django.contrib.auth import get_user_model

    pks = list(get_user_model().objects.filter(groups=instance).values_list("pk", flat=True))
    if pks:
        _on_commit(lambda: publish_access_changed(pks))


def _permission_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    holders = Q(user_permissions=instance) | Q(groups__permissions=instance)
    users = get_user_model().objects.filter(holders).distinct()
    pks = list(users.values_list("pk", flat=True))
    if pks:
        _on_commit(lambda: publish_access_changed(pks))


def _removed(action: str, reverse: bool) -> bool:
    """Whether an m2m_changed call is the one (and only one) that reports a removal.

    A clear from the forward side is reported after it (the instance is known); from the
    reverse side before it, while the links to clear can still be read.
    """
    if action == "post_remove":
        return True
    return action == ("pre_clear" if reverse else "post_clear")


def _linked(through: Any, instance: Any, target: Any) -> list[object]:
    """The pks of the `target` rows that `through` links to `instance`."""
    fields = [f for f in through._meta.get_fields() if getattr(f, "many_to_one", False)]
    mine = next(f for f in fields if f.related_model is type(instance))
    theirs = next(f for f in fields if f.related_model is target)
    rows = through.objects.filter(**{mine.name: instance})
    return list(rows.values_list(theirs.attname, flat=True))


def _changed_pks(
    sender: Any, instance: Any, action: str, reverse: bool, kwargs: Any
) -> list[object]:
    if not reverse:
        return [instance.pk]
    if action == "pre_clear":
        return _linked(sender, instance, kwargs["model"])
    return list(kwargs.get("pk_set") or ())


def _user_m2m(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    # user.groups.remove(g), user.user_permissions.clear(), group.user_set.remove(user), ...
    if _removed(action, reverse):
        pks = _changed_pks(sender, instance, action, reverse, kwargs)
        if pks:
            _on_commit(lambda: publish_access_changed(pks))


def _group_permissions(
    sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any
) -> None:
    # group.permissions.remove(p), permission.group_set.clear(), ...
    if not _removed(action, reverse):
        return
    from django.contrib.auth import get_user_model

    groups: list[Any] = _changed_pks(sender, instance, action, reverse, kwargs)
    users = get_user_model().objects.filter(groups__pk__in=groups).distinct()
    pks = list(users.values_list("pk", flat=True))
    if pks:
        _on_commit(lambda: publish_access_changed(pks))
