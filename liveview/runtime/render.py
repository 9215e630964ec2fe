# Turns a live component's state into HTML: its template, the wrapping element with its DOM id,
# the error banner, and the out-of-band form sent over the socket.
from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.base import Template
from django.template.loader import get_template
from django.utils.html import escape

from liveview.core import dialect

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page

_templates: dict[type, Template] = {}

# What django-components leaves in a nested component's output: per-render ids that would
# make every re-render look changed. The page's first render keeps them; fragments don't.
_DJC_MARKS = re.compile(r'<!-- _RENDERED [^>]*-->| data-djc-id-[A-Za-z0-9]+=""')


@dataclass(slots=True)
class Handle:
    """What a component's template sees as ``lv``: its DOM id, and ids for its children."""

    component: LiveComponent
    children: int = 0

    @property
    def id(self) -> str:
        return self.component._lv.id

    @property
    def page(self) -> Page:
        return self.component._lv.page

    def next_child_id(self) -> str:
        self.children += 1
        return f"{self.component._lv.id}-{self.children}"


def component_template(cls: type[LiveComponent]) -> Template:
    # Cached per class, except under DEBUG where the autoreloader may swap templates.
    cached = _templates.get(cls)
    if cached is not None and not settings.DEBUG:
        return cached
    try:
        cached = _load_template(cls)
    except TemplateDoesNotExist as exc:
        raise TemplateDoesNotExist(
            f"{exc.args[0]} (the template of live component {cls.__qualname__}; "
            "`manage.py check` lists every missing one)",
            tried=exc.tried,
            backend=exc.backend,
            chain=exc.chain,
        ) from exc
    _templates[cls] = cached
    return cached


def _load_template(cls: type[LiveComponent]) -> Template:
    # django-components loads `template_name` on first access: a missing file raises here.
    name = getattr(cls, "template_name", None) or getattr(cls, "template_file", None)
    source = getattr(cls, "template", None)
    if name:
        backend_template: Any = get_template(name)
        return backend_template.template  # type: ignore[no-any-return]
    if isinstance(source, str):
        return _templates.get(cls) or Engine.get_default().from_string(source)
    raise TypeError(f"{cls.__qualname__} has no template_name, template_file or template")


#: Builds a component's template in Python, as the engine would render it in `context`; None:
#: the engine renders it (the template found is not the one the builder is for). What it has
#: the engine render for it, it passes through `without_marks`.
InnerBuilder = Callable[[Template, Context], "str | None"]
#: By the class registered (`build_inner`): the builder for it and its subclasses.
_inner_builders: dict[type, InnerBuilder] = {}
#: By the component class: its builder, or None (most classes); filled when first rendered.
_builder_of: dict[type, InnerBuilder | None] = {}


def build_inner(cls: type[LiveComponent], builder: InnerBuilder) -> None:
    """Let `builder` build the template of `cls` and its subclasses instead of the engine (a
    DataPage's stock page.html: liveview/templatetags/liveview_data.py registers it)."""
    _inner_builders[cls] = builder
    _builder_of.clear()


def _find_builder(cls: type) -> InnerBuilder | None:
    found = next((_inner_builders[k] for k in cls.__mro__ if k in _inner_builders), None)
    _builder_of[cls] = found
    return found


def render_inner(comp: LiveComponent, handle: object) -> str:
    """The component's template rendered with its state, `lv` and the page's globals."""
    cls = type(comp)
    template = component_template(cls)
    context = Context(context_data(comp, handle), autoescape=template.engine.autoescape)
    # Template.render without django-components' whole-page post-processing: this is a fragment.
    # What its `render_context.push_state` and `bind_template` set, set directly: the context
    # is this render's own and dropped after it, so there is nothing to restore (their two
    # generator-based context managers cost a few µs an event).
    context.template = context.render_context.template = template
    context.render_context.push()
    try:
        build = _builder_of[cls]
    except KeyError:
        build = _find_builder(cls)
    html = build(template, context) if build is not None else None
    if html is None:
        html = without_marks(str(template._render(context)))  # type: ignore[attr-defined]
    return html


def without_marks(html: str) -> str:
    """`html` rendered by the engine, without the marks django-components leaves in a nested
    component's output (a builder's HTML is its own: it cleans what it has the engine render,
    and the scan of a whole page, tens of µs for a 300-row table, is not paid for it)."""
    if "data-djc-id-" in html or "<!-- _RENDERED" in html:
        return _DJC_MARKS.sub("", html)
    return html


def context_data(comp: LiveComponent, handle: object) -> dict[str, Any]:
    """What the component's template sees: its state, `lv` and the page's globals."""
    page = comp._lv.page
    data: dict[str, Any] = {}
    if not comp.viewer_independent:
        # Shared HTML must not carry one viewer's identity or CSRF token to another.
        data = {"user": page.user, "csrf_token": page.csrf_token}
    data.update(comp.live_state())
    data.update(comp.extra_context())
    data["lv"] = handle
    return data


def error_banner(message: str, exc: BaseException | None) -> str:
    html = f'<p class="lv-error" role="alert">{escape(message)}</p>'
    if exc is not None and settings.DEBUG:
        tb = "".join(traceback.format_exception(exc))
        html += f'<pre class="lv-traceback">{escape(tb)}</pre>'
    return html


def wrap(comp: LiveComponent, inner: str, *, oob: bool, busy: bool = False) -> str:
    """`busy`: a lazy component's placeholder (`aria-busy` until its full render replaces it)."""
    tag = comp.live_tag
    swap = dialect.current().swap_oob() if oob else ""
    if busy:
        swap += ' aria-busy="true" data-lv-lazy'
    return _start_tag(tag, comp._lv.id, comp._lv.spec.name, swap) + f"{inner}</{tag}>"


@lru_cache(maxsize=1024)
def _start_tag(tag: str, cid: str, name: str, swap: str) -> str:
    """A component's start tag: the same at every render of it (made once)."""
    return f'<{tag} id="{cid}" data-lv="{escape(name)}"{swap}>'


#: The element `{% liveview_scripts %}` leaves in the page for the connection's epoch.
EPOCH_ID = "lv-epoch"


def epoch_element(epoch: str, *, ack: int | None = None, token: str | None = None) -> str:
    """Sent with every connect's first frame; the glue adds its value to each event.

    `ack`: the `lv_seq` of the event this frame answers (the glue's input up to it is the
    server's from then on). `token`: a renewed page token (kept state changed); the glue
    reconnects with the newest one."""
    swap = dialect.current().swap_oob()
    acked = "" if ack is None else f' data-ack="{ack}"'
    if token is not None:
        acked += f' data-t="{escape(token)}"'
    return f'<div id="{EPOCH_ID}" hidden data-v="{escape(epoch)}"{acked}{swap}></div>'


#: How a frame acknowledges an event without a DOM swap: `<!--lv:SEQ-->` at its very end.
#: htmx swaps no comment (2's ws extension swaps the fragment's elements, 4's main swap is
#: 'none' or skips an empty fragment): the glue reads it from the frame's text. It names no
#: epoch: it comes on the socket whose connect frame put the page's epoch in place, so the
#: reader counts it in the epoch the page has when the frame arrives.
ACK_MARK = "<!--lv:"
_ACK_END = "-->"


def ack_comment(seq: int) -> str:
    """The acknowledgement of the event numbered `seq` (its `lv_seq`)."""
    return f"{ACK_MARK}{seq}{_ACK_END}"


def acknowledgement(epoch: str, seq: int | None, token: str | None) -> str:
    """What ends an event's reply: the epoch element when the page token was renewed (it must
    stay in the page for a reconnect), else the comment for `seq`, else nothing."""
    if token is not None:
        return epoch_element(epoch, ack=seq, token=token)
    return "" if seq is None else ack_comment(seq)


def read_ack(frame: str) -> int | None:
    """The seq a frame's acknowledgement comment carries, or None: the comment must end the
    frame (the server puts it last; a template's own comment earlier in a frame is not one)."""
    if not frame.endswith(_ACK_END):
        return None
    at = frame.rfind(ACK_MARK)
    seq = frame[at + len(ACK_MARK) : -len(_ACK_END)] if at >= 0 else ""
    return int(seq) if seq.isascii() and seq.isdigit() else None


#: The element the glue keeps in the page; a frame that replaces it with a `data-url` makes the
#: browser go there once the frame is swapped in.
REDIRECT_ID = "lv-redirect"


def redirect_element(url: str) -> str:
    """The out-of-band element that sends the browser to `url` (already checked as safe)."""
    swap = dialect.current().oob_replace
    return f'<div id="{REDIRECT_ID}" hidden data-url="{escape(url)}" hx-swap-oob="{swap}"></div>'


def failure_text(headline: str, exc: BaseException) -> str:
    """What the user reads: the exception's text only with DEBUG (it may name a database host,
    a user or a query); the full exception is in the log and the inspector either way."""
    if not settings.DEBUG:
        return f"{headline}. Please try again later."
    return f"{headline}: {_short(exc)}"


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"
