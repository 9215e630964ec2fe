# `manage.py check` for a live site: the socket served (by runserver too) and origin-checked, a
# layer every worker shares, components registered with templates that load; with --deploy, an
# explicit token lifetime.
# docs/security.md lists the ids.
from __future__ import annotations

import os
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils.module_loading import import_string

from liveview.core import conf
from liveview.socket.origin import Origin

# The apps whose `runserver` is Django's own WSGI server (Django picks the first app's command).
_WSGI_RUNSERVERS = frozenset({"django.core", "django.contrib.staticfiles"})
# How deep to follow middleware wrappers (`.inner`, `.application`, `.app`) before giving up.
_MAX_WRAPPERS = 32


@register(Tags.security)
def check_origin_validator(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        _, websocket = _asgi_websocket()
    except ImportError as exc:
        path = settings.ASGI_APPLICATION
        return [
            Warning(f"ASGI_APPLICATION {path!r} could not be imported: {exc}", id="liveview.W003")
        ]
    if websocket is None or _find(websocket, _is_origin_validator) is not None:
        return []
    return [
        Error(
            "The websocket application is not wrapped in an origin validator: any site the "
            "user visits can open the live socket with the user's cookies.",
            hint="Build it with liveview.routing.live_asgi_application(), or wrap your "
            "websocket router in liveview.origin.OriginValidator.",
            id="liveview.E001",
        )
    ]


@register(Tags.security)
def check_allowed_origins(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    origins = getattr(settings, "LIVEVIEW_ALLOWED_ORIGINS", None)
    if origins is None:
        return []
    if isinstance(origins, str):
        return [Error("LIVEVIEW_ALLOWED_ORIGINS must be a list, not a string", id="liveview.E002")]
    return [
        Error(
            f"LIVEVIEW_ALLOWED_ORIGINS: {text!r} is not an origin",
            hint="Write scheme://host[:port], e.g. 'https://example.com', without a path.",
            id="liveview.E002",
        )
        for text in origins
        if not isinstance(text, str) or Origin.parse(text) is None
    ]


@register("liveview")
def check_channel_layer(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    workers = _configured_workers()
    if workers <= 1:
        return []
    if not conf.layer_in_memory(conf.layer_backend()):
        return []
    return [
        Warning(
            f"WEB_CONCURRENCY={workers} workers, each with its own in-memory channel layer: "
            "a change published in one worker never reaches pages open on another.",
            hint="Use channels-redis (CHANNEL_LAYERS with channels_redis.pubsub."
            "RedisPubSubChannelLayer; see docs/deployment.md) or run one worker.",
            id="liveview.W001",
        )
    ]


# A deployment check, like Django's own for settings whose default suits development: the
# default lifetime (a day) is fine to develop with, so `check` and `runserver` stay quiet.
@register(Tags.security, deploy=True)
def check_token_max_age(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if hasattr(settings, "LIVEVIEW_TOKEN_MAX_AGE"):
        return []
    return [
        Warning(
            f"LIVEVIEW_TOKEN_MAX_AGE is not set; page tokens stay valid for the default "
            f"{conf.token_max_age()} seconds.",
            hint="Set it to how long a page may stay open and still reconnect (seconds); "
            "shorter limits how long a leaked page token can be replayed.",
            id="liveview.W002",
        )
    ]


@register("liveview")
def check_live_socket(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """ASGI_APPLICATION serves websockets, and its router has a route to the live socket."""
    try:
        path, websocket = _asgi_websocket()
    except ImportError:
        return []  # W003 already says so
    if not path:
        return []
    hint = (
        "In asgi.py: application = live_asgi_application() "
        "(from liveview.routing import live_asgi_application)."
    )
    if websocket is None:
        return [
            Error(
                f"ASGI_APPLICATION {path!r} serves no websockets: live pages render but never "
                "connect, so no click reaches the server.",
                hint=hint,
                id="liveview.E003",
            )
        ]
    url_router = _find(websocket, lambda app: hasattr(app, "routes"))
    socket_path = conf.websocket_path().lstrip("/")
    if url_router is None or _routes_to_live_socket(url_router, socket_path):
        return []  # a websocket app we cannot look into, or one that serves the socket
    return [
        Error(
            f"The websocket router of ASGI_APPLICATION {path!r} has no route to the live "
            f"socket at {conf.websocket_path()!r}: live pages never connect.",
            hint=hint + " Or add liveview.routing.websocket_urlpatterns() to your router.",
            id="liveview.E004",
        )
    ]


@register("liveview")
def check_runserver_serves_the_socket(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Under DEBUG, `manage.py runserver` is an ASGI server, or no live page ever connects."""
    from django.core.management import get_commands

    if not settings.DEBUG or get_commands().get("runserver") not in _WSGI_RUNSERVERS:
        return []
    staticfiles = apps.is_installed("django.contrib.staticfiles")
    return [
        Warning(
            "`manage.py runserver` is Django's WSGI server here: it serves the pages but not "
            "the live socket (the handshake gets a 404), so live pages render and never react.",
            hint='Put "daphne" (pip install daphne) first in INSTALLED_APPS'
            + (", before django.contrib.staticfiles" if staticfiles else "")
            + ": runserver then serves the socket too. Developing with another ASGI server "
            '(uvicorn)? Add "liveview.W005" to SILENCED_SYSTEM_CHECKS.',
            id="liveview.W005",
        )
    ]


@register("liveview")
def check_component_templates(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every registered live component has a template that loads and compiles."""
    from django_components import registry

    from liveview.authoring.component import LiveComponent
    from liveview.runtime.render import component_template

    errors: list[CheckMessage] = []
    for name, cls in sorted(registry.all().items()):
        if not (isinstance(cls, type) and issubclass(cls, LiveComponent)):
            continue
        where = f"Live component {name!r} ({cls.__module__}.{cls.__qualname__})"
        try:
            component_template(cls)
        except TemplateDoesNotExist as exc:
            errors.append(
                Error(
                    f"{where}: its template {_missing_name(exc)!r} does not exist.",
                    hint="Create it in a templates/ directory of an installed app (with "
                    "APP_DIRS) or of TEMPLATES' DIRS, or correct template_name.",
                    obj=cls,
                    id="liveview.E005",
                )
            )
        except TypeError as exc:
            errors.append(
                Error(
                    f"{where}: {exc}.",
                    hint='Set template_name = "app/name.html" on the class.',
                    obj=cls,
                    id="liveview.E005",
                )
            )
        except TemplateSyntaxError as exc:
            errors.append(
                Error(f"{where}: its template does not compile: {exc}", obj=cls, id="liveview.E005")
            )
    return errors


@register("liveview")
def check_components_registered(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every concrete live component defined in an installed app is registered."""
    from django_components import registry

    from liveview.authoring.component import LiveComponent

    registered = set(registry.all().values())
    return [
        Warning(
            f"{cls.__module__}.{cls.__qualname__} is a LiveComponent that is not registered "
            "with django-components: no page can render it and no socket can mount it.",
            hint=f'Decorate it with @register("{_suggested_name(cls)}") '
            "(from django_components import register) and use that name in "
            "{% component %}.",
            obj=cls,
            id="liveview.W004",
        )
        for cls in _subclasses(LiveComponent)
        if cls not in registered
        and not vars(cls).get("abstract", False)  # a base that sets `abstract = True` itself
        and apps.get_containing_app_config(cls.__module__) is not None
        and _has_template(cls)
    ]


def _asgi_websocket() -> tuple[str, Any]:
    """ASGI_APPLICATION ("" when unset) and the websocket app its protocol router maps (None:
    unset, no router found, or no websocket); ImportError when it cannot be imported."""
    path = getattr(settings, "ASGI_APPLICATION", None) or ""
    if not path:
        return "", None
    router = _find(import_string(path), lambda app: hasattr(app, "application_mapping"))
    return path, router.application_mapping.get("websocket") if router is not None else None


def _routes_to_live_socket(url_router: Any, path: str) -> bool:
    """Whether `url_router` (a Channels URLRouter) sends `path` to liveview's consumer."""
    from liveview.socket.consumer import LiveConsumer

    for route in url_router.routes:
        match = route.pattern.match(path)
        if not match:
            continue
        target = route.callback
        if getattr(target, "consumer_class", None) is LiveConsumer:
            return True
        inner = _find(target, lambda app: hasattr(app, "routes"))
        if inner is not None and _routes_to_live_socket(inner, match[0]):
            return True
    return False


def _missing_name(exc: TemplateDoesNotExist) -> str:
    cause = exc.__cause__
    return str((cause if isinstance(cause, TemplateDoesNotExist) else exc).args[0])


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    stack: list[type] = list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        found.append(sub)
        stack.extend(sub.__subclasses__())
    return found


def _has_template(cls: type) -> bool:
    """Abstract bases (no template of their own or inherited) are not meant to be registered.
    Reading these attributes loads the template (django-components): one that names a missing
    template has one all the same (check_component_templates reports it missing)."""
    for attr in ("template_name", "template_file", "template"):
        try:
            if getattr(cls, attr, None):
                return True
        except TemplateDoesNotExist:
            return True
    return False


def _suggested_name(cls: type) -> str:
    name = cls.__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _configured_workers() -> int:
    """Workers from WEB_CONCURRENCY, the variable gunicorn and uvicorn read; 1 when unset."""
    try:
        return int(os.environ.get("WEB_CONCURRENCY", "1"))
    except ValueError:
        return 1


def _is_origin_validator(app: object) -> bool:
    from channels.security.websocket import OriginValidator as ChannelsOriginValidator

    from liveview.socket.origin import OriginValidator

    return isinstance(app, OriginValidator | ChannelsOriginValidator)


def _find(app: object, wanted: Any) -> Any:
    """The first app in the chain of middleware wrappers from `app` for which `wanted` holds."""
    for _ in range(_MAX_WRAPPERS):
        if app is None:
            return None
        if wanted(app):
            return app
        app = next(
            (getattr(app, a) for a in ("inner", "application", "app") if hasattr(app, a)),
            None,
        )
    return None
