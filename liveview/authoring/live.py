# `self.live`: what a component may ask of the page it lives on (docs/api.md), and nothing of
# the runtime behind it (mounting, dispatching, rendering stay the page's own).
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from liveview.authoring.component import LiveComponent
    from liveview.pubsub.presence import Presence
    from liveview.pubsub.resources import ResourceChanged, Subscription
    from liveview.runtime.page import Page
    from liveview.runtime.timers import Timer

#: What `self.live` was until it became this facade: the page's own API (docs/api.md's
#: liveview.page), still reached through `self.live` with a DeprecationWarning.
DEPRECATED = frozenset(
    {
        "mount",
        "render_all",
        "mount_lazy",
        "dispatch",
        "changed",
        "navigated",
        "render_touched",
        "mailbox",
    }
)


class Live:
    """The page a component lives on, as the component sees it: who is viewing, whether the
    socket is open, and what a handler may ask (redirect, the address, messages, timers)."""

    __slots__ = ("_page",)

    def __init__(self, page: Page) -> None:
        self._page = page

    def __repr__(self) -> str:
        return f"<Live page={self._page.key}>"

    @property
    def user(self) -> User | AnonymousUser | None:
        """Who is viewing the page (reloaded when their access changes)."""
        return self._page.user

    @property
    def connected(self) -> bool:
        """False on the first HTTP render, True once the page's socket is open."""
        return self._page.connected

    @property
    def key(self) -> str:
        """This page's key: the `origin` of the changes its events publish."""
        return self._page.key

    @property
    def url(self) -> str | None:
        """The page's address as the browser shows it (path and query), or None."""
        return self._page.url

    @property
    def timers(self) -> list[Timer]:
        """The one-shot timers pending, soonest first."""
        return self._page.timers

    def redirect(self, url: str) -> None:
        """Send the browser to `url` once this event's frame is swapped in (same site only:
        anything else raises UnsafeRedirect)."""
        self._page.redirect(url)

    def push_url(self, url: str | None = None) -> None:
        """Show `url` in the browser's address as a new history entry, without navigating."""
        self._page.push_url(url)

    def replace_url(self, url: str | None = None) -> None:
        """`push_url`, replacing the current history entry (back skips it)."""
        self._page.replace_url(url)

    def flash(self, text: object, level: int = messages.INFO, extra_tags: str = "") -> None:
        """Show `text` in the page's ``{% live_messages %}`` (after a redirect: the next page's)."""
        self._page.flash(text, level, extra_tags)

    def notify(self, name: str, /, **payload: Any) -> None:
        """Tell the page's components that listen to `name` once the current turn has run."""
        self._page.notify(name, **payload)

    def send_to(self, target: LiveComponent | str, name: str, /, **payload: Any) -> None:
        """`notify`, for one component (or its DOM id) or the components registered as `target`."""
        self._page.send_to(target, name, **payload)

    def after(self, seconds: float, handler: Callable[..., Any], /, **kwargs: Any) -> Timer:
        """Call `handler` (a method of a component of this page) with `kwargs` once, `seconds`
        from now, in the page's turn; cancelled when the socket closes."""
        return self._page.after(seconds, handler, **kwargs)

    def present(self, target: Subscription) -> Presence:
        """Who is viewing `target`, this page's viewer included (docs/presence.md)."""
        return self._page.present(target)

    def is_mine(self, change: ResourceChanged) -> bool:
        """Whether one of this page's own events made `change`."""
        return self._page.is_mine(change)

    def __getattr__(self, name: str) -> Any:
        if name in DEPRECATED:
            warnings.warn(
                f"self.live.{name} is the page runtime's, not a component's: self.live is no "
                "longer the Page; drive a page through liveview.page.Page itself",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(self._page, name)
        raise AttributeError(f"self.live has no {name!r} (docs/api.md lists what it offers)")
