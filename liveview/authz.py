# Moved: this path stays so that existing imports keep working
# (the module is liveview.authoring.authz).
from __future__ import annotations

from liveview.authoring.authz import (
    LOGOUT,
    USERS,
    AccessDenied,
    access_changed_for,
    admits,
    allowed,
    check_component,
    connect_signals,
    control_topics,
    is_staff,
    may_call,
    permissions_of,
    publish_access_changed,
    publish_logout,
    session_digest,
    split_control,
    user_topic,
)

__all__ = [
    "AccessDenied",
    "LOGOUT",
    "USERS",
    "access_changed_for",
    "admits",
    "allowed",
    "check_component",
    "connect_signals",
    "control_topics",
    "is_staff",
    "may_call",
    "permissions_of",
    "publish_access_changed",
    "publish_logout",
    "session_digest",
    "split_control",
    "user_topic",
]
