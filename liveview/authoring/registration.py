# A component name django-components does not know: say what to add, wherever it surfaces (a
# page's {% component %} tag, through Django's got_request_exception; a socket's page token).
from __future__ import annotations

import difflib
import re
import sys
from typing import Any

from django_components import NotRegistered, registry

# django-components' wording: `The component "name" is not registered` (the registry) or
# `The component 'name' was not found` ({% component "dynamic" %}).
_NAME = re.compile(r"""component ["'](?P<name>[^"']+)["'] (?:is not registered|was not found)""")


def not_registered_hint(name: str) -> str:
    """What to add so that `name` renders and mounts; a registered name it may be a typo of."""
    close = difflib.get_close_matches(name, list(registry.all()), n=1)
    guess = f' (did you mean "{close[0]}"?)' if close else ""
    return (
        f'liveview: no component registered as "{name}"{guess}. Decorate its class with '
        f'@register("{name}") (from django_components import register) in a module of an '
        "installed app's components/ directory, which django-components imports at start-up; "
        'a module elsewhere must be imported, e.g. listed in COMPONENTS["libraries"]. '
        "`manage.py check` lists live components that are not registered (liveview.W004)."
    )


def hint_not_registered(sender: Any = None, **kwargs: Any) -> None:
    """A got_request_exception receiver: a NotRegistered gets the hint as a note, which the
    DEBUG error page, the log's traceback and the test client's re-raise all show."""
    exc = sys.exc_info()[1]
    if not isinstance(exc, NotRegistered):
        return
    found = _NAME.search(str(exc))
    if found is None:
        return
    hint = not_registered_hint(found["name"])
    if hint not in getattr(exc, "__notes__", ()):
        exc.add_note(hint)
