# {% live_button %}: the binding of a data Button, whose arguments are a dict built in Python;
# {% data_block %}: a block's template, liveview's own ones built in Python (data/chrome.py);
# a DataPage's own page.html built in Python too (registered with the renderer below).
from __future__ import annotations

import functools

from django import template
from django.template import Context
from django.template.base import Template
from django.utils.safestring import SafeString, mark_safe

from liveview.data import chrome
from liveview.data.blocks import Block, Button
from liveview.data.datapage import DataPage
from liveview.runtime.render import build_inner
from liveview.templatetags.liveview import live

register = template.Library()


@register.simple_tag(takes_context=True)
def live_button(context: Context, button: Button) -> SafeString:
    """``<button {% live_button block %}>``: ``{% live %}`` for the button's event and args."""
    return live(context, button.event_name, **button.args)


@register.simple_tag(takes_context=True)
def data_block(context: Context, block: Block) -> SafeString:
    """``{% data_block block %}``: what ``{% include block.template_name with block=block %}``
    renders. A stock template of liveview's is built in Python, its ``{% live %}`` bindings
    by the tag's own function; a project's own template for the name is rendered by the
    engine."""
    html = chrome.block_html(block, context, functools.partial(live, context))
    return mark_safe(html)  # noqa: S308  (escaped as the templates escape)


def _page(template: Template, context: Context) -> str | None:
    """A DataPage's liveview/data/page.html built in Python (`chrome.page_html`), its blocks'
    bindings by `{% live %}`'s function; None when the template is a project's own."""
    return chrome.page_html(template, context, functools.partial(live, context))


build_inner(DataPage, _page)
