# What the framework keeps about one live component of a page, off the user's object: the page
# makes one per component it mounts (Page.records) and the component holds only a reference.
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from liveview.core.token import ComponentSpec
from liveview.pubsub.resources import NO_TOPICS

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.authoring.keep import Mounted
    from liveview.authoring.streams import StreamState
    from liveview.pubsub.resources import ResourceChanged, Subscription
    from liveview.runtime.page import Page
    from liveview.runtime.text_slot import Kept


@dataclass(slots=True, eq=False)
class ComponentRecord:
    """One component's runtime state: where it lives, what it showed, what it follows."""

    #: The page that mounted it (and keeps this record in `page.records`).
    page: Page
    #: Its registered name, DOM id, mount arguments and kept state: what the token carries.
    spec: ComponentSpec
    #: The component itself, once made (`LiveComponent.unmounted` sets it).
    component: LiveComponent = field(init=False)
    #: The error banner shown above its HTML, until its next successful render.
    error: str | None = None
    #: Its inner HTML as last rendered (or adopted from a twin).
    html: str | None = None
    #: The diff's fast path (liveview.runtime.text_slot): the text its last update changed.
    text_slot: Kept | None = None
    #: Its updates in a row that went whole although partial updates are on (see partial.py).
    whole_streak: int = 0
    #: How many children its last render mounted.
    children: int = 0
    #: What it shows (URIs and collections), as its `subscriptions()` last said.
    topics: frozenset[str] = NO_TOPICS
    #: What its last render found it shows, when the render knows (a DataPage's layout): for
    #: the follow right after that render (Page._follow), dropped by any other follow.
    laid_out: list[Subscription] | None = None
    #: Still exactly what `mount` (or `refresh`) made of its arguments: no event has run since.
    pristine: bool = True
    #: Changes a broadcast has rendered for it but not applied to its state yet.
    pending: list[ResourceChanged] = field(default_factory=list)
    #: Too many pending changes were dropped: `refresh()` before the state is next used.
    refresh_due: bool = False
    #: The state as the last mount left it (on a live page): what `refresh()` compares with.
    mounted: Mounted | None = None
    #: A lazy component not mounted yet: it shows its placeholder.
    lazy: bool = False
    #: What the address held that did not fit its `url_state` (shown until its next event).
    url_note: str | None = None
    #: liveview.runtime.fanout's cache: the topics last checked for sharing, and the key.
    share_topics: frozenset[str] | None = None
    share_key: tuple[type, str, str, str] | None = None
    #: Its streams' changes not sent yet, by stream name (liveview.authoring.streams).
    streams: dict[str, StreamState] | None = None
    #: The streams its render under way showed in full, with the kept form compared next.
    stream_full: list[tuple[str, str]] | None = None
    #: Its last render showed a stream in full: sent even when the rest is the same.
    stream_reset: bool = False

    @property
    def id(self) -> str:
        """Its DOM id (its spec's): what the runtime looks it up by."""
        return self.spec.id
