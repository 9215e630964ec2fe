# {% live_button %}: the binding of a data Button, whose arguments are a dict built in Python.
from __future__ import annotations

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from liveview.data.blocks import Button
from liveview.templatetags.liveview import live

register = template.Library()


@register.simple_tag(takes_context=True)
def live_button(context: Context, button: Button) -> SafeString:
    """``<button {% live_button block %}>``: ``{% live %}`` for the button's event and args."""
    return live(context, button.event_name, **button.args)
