"""Components the tests mount: small, each showing one behaviour."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from django_components import register

from liveview import LiveComponent, event
from liveview.pubsub.publish import apublish, changed, publish
from liveview.pubsub.resources import Subscription
from liveview.streams import Stream


@register("test_greeter")
class Greeter(LiveComponent):
    template = (
        "{% load liveview %}<p>Hello {{ name }}</p>"
        "<button {% live 'rename' %}>Rename</button><button {% live 'explode' %}>Explode</button>"
    )
    name: str = "world"
    renames: int = 0

    @event
    def rename(self, name: str = "you", times: int = 1) -> None:
        self.name = name
        self.renames += times

    @event
    def same(self) -> None:
        """Changes nothing: the reply must be empty."""

    @event
    def explode(self) -> None:
        self.name = "half-done"
        raise RuntimeError("secret internals")

    @event
    def collect(self, **fields: Any) -> None:
        self.name = ",".join(f"{k}={v}" for k, v in sorted(fields.items()))

    @event
    async def shout(self, name: str) -> None:
        self.name = name.upper()

    def not_an_event(self) -> None:
        self.name = "pwned"


@register("test_parent")
class Parent(LiveComponent):
    template = (
        "{% load liveview %}<h2>{{ title }}</h2>"
        "{% for n in children %}{% component 'test_child' start=n / %}{% endfor %}"
    )
    title: str = "parent"
    children: list[int] = [1, 2]

    @event
    def retitle(self, title: str) -> None:
        self.title = title

    @event
    def keep(self, count: int) -> None:
        self.children = self.children[:count]


@register("test_child")
class Child(LiveComponent):
    template = "{% load liveview %}<b>{{ value }}</b><button {% live 'bump' %}>Bump</button>"

    def mount(self, start: int = 0) -> None:
        self.value = start

    @event
    def bump(self) -> None:
        self.value += 100


class Bomb:
    @property
    def boom(self) -> str:
        raise ValueError("kaboom")


@register("test_bomb")
class BombHolder(LiveComponent):
    template = "<i>{{ value.boom|default:value }}</i>"
    value: Any = 1

    @event
    def arm(self) -> None:
        self.value = Bomb()

    @event
    def set(self, value: int) -> None:
        self.value = value


@register("test_fragile")
class Fragile(LiveComponent):
    template = "<s>{{ state }}</s>"

    def mount(self, fail: bool = False) -> None:
        if fail:
            raise LookupError("the row is gone")
        self.state = "mounted"


@register("test_keys")
class Keys(LiveComponent):
    template = (
        "{% load liveview %}<label>Note <input name='text' {% live 'save' key='Enter' %}></label>"
        "<p class='saved'>{{ saved }}</p><p class='saves'>{{ saves }}</p>"
    )
    saved: str = ""
    saves: int = 0

    @event
    def save(self, text: str) -> None:
        self.saved, self.saves = text, self.saves + 1


#: Set by a test to let `test_slow`'s handler finish; it waits at most ten seconds.
SLOW_RELEASE = threading.Event()


@register("test_slow")
class Slow(LiveComponent):
    template = (
        "{% load liveview %}<button {% live 'work' %}>Work</button>"
        "<span class='lv-indicator'>Working…</span><p class='done'>{{ done }}</p>"
    )
    done: int = 0

    @event
    def work(self) -> None:
        SLOW_RELEASE.wait(timeout=10)
        self.done += 1


#: What a watched URI "holds": the tests change it, then publish the change.
STORE: dict[str, int] = {}
#: Renders per component class name, counted in `extra_context` (called once per render).
RENDERS: Counter[str] = Counter()


@register("test_watcher")
class Watcher(LiveComponent):
    """Shows what STORE holds for `uri` and follows its changes (per viewer)."""

    template = (
        "{% load liveview %}<p>{{ uri }}={{ value }}</p><button {% live 'bump' %}>Bump</button>"
    )

    def mount(self, uri: str, collection: str = "") -> None:
        self.uri, self.collection = uri, collection
        self.value = STORE.get(uri, 0)

    def subscriptions(self) -> list[Subscription]:
        return [self.uri, self.collection] if self.collection else [self.uri]

    def extra_context(self) -> dict[str, Any]:
        RENDERS[type(self).__name__] += 1
        return {}

    @event
    async def bump(self) -> None:
        """Changes what it watches and publishes it, as a save would."""
        STORE[self.uri] = STORE.get(self.uri, 0) + 1
        await apublish(
            changed("PUT", self.uri, self.collection or "/things/", str(STORE[self.uri]))
        )


@register("test_shared_watcher")
class SharedWatcher(Watcher):
    """The same, declared viewer-independent: a broadcast renders it once for every page."""

    viewer_independent = True
    template = "<p>{{ uri }}={{ value }} user={{ user }}</p>"


@register("test_scribble")
class Scribble(LiveComponent):
    """Shows whatever a user typed, and links to whatever URL they gave: must stay inert."""

    template = (
        "{% load liveview %}<p class='text'>{{ text }}</p>"
        "<a class='link' href='{{ link|safe_href }}'>their link</a>"
        "<form {% live 'write' %}><label>Text <input name='text'></label>"
        "<label>Link <input name='link'></label><button>Write</button></form>"
        "<p class='after'>end of scribble</p>"
    )

    def mount(self, text: str = "", link: str = "") -> None:
        self.text, self.link = text, link

    @event
    def write(self, text: str = "", link: str = "") -> None:
        self.text, self.link = text, link


@register("test_goto")
class Goto(LiveComponent):
    """Sends the browser where the user asks, through `self.live.redirect`."""

    template = (
        "{% load liveview %}<form {% live 'go' %}><label>Where <input name='url'></label>"
        "<button>Go</button></form>"
    )

    @event
    def go(self, url: str) -> None:
        self.live.redirect(url)


@register("test_big_watcher")
class BigWatcher(Watcher):
    """A watcher whose every frame is large, to fill a socket that is not read."""

    viewer_independent = True
    partial_updates = False  # the whole, padding and all, in every frame
    template = "<p>{{ uri }}={{ value }}</p><pre>{{ padding }}</pre>"
    padding: str = "x" * 32 * 1024


@register("test_racy_watcher")
class RacyWatcher(Watcher):
    """Another writer changes the value right after this mount has read it, before the page
    has subscribed: the race a page must not lose."""

    def mount(self, uri: str, collection: str = "") -> None:
        super().mount(uri, collection)
        if not self.live.connected:
            return
        STORE[uri] = self.value + 1
        publish(changed("PUT", uri, "/things/", f"race-{STORE[uri]}"))


#: The rows `test_stream_board` reads its window from: its "database" (test_streams.py).
BOARD: list[dict[str, Any]] = []


@register("test_stream_board")
class StreamBoard(LiveComponent):
    """A list and a table as streams (docs/streams.md), each item with fields to type in; an
    edited item has one more box, before the others, and no scratch box."""

    template = """{% load liveview %}<h2>Board {{ title }}</h2>
<button {% live "add" %}>Add</button> <button {% live "add" top=True %}>Add on top</button>
<button {% live "retitle" %}>Retitle</button>
{% live_stream "items" as row tag="ul" aria_label="Items" item_tag="li" %}
<span class="text">{{ row.text }}</span>
{% if "edited" in row.text %}<input aria-label="Tag {{ row.id }}">{% else %}
<input aria-label="Scratch {{ row.id }}">{% endif %}
<input aria-label="Note {{ row.id }}">
<input name="draft" aria-label="Draft {{ row.id }}">
<select multiple aria-label="Colours {{ row.id }}"><option>red</option><option>blue</option>
<option>green</option></select>
<input type="file" aria-label="File {{ row.id }}">
<button {% live "edit" item=row.id %}>Edit {{ row.id }}</button>
<button {% live "remove" item=row.id %}>Remove {{ row.id }}</button>{% endlive_stream %}
<table><caption>Rows</caption>{% live_stream "rows" as row tag="tbody" item_tag="tr" %}
<td class="text">{{ row.text }}</td>{% endlive_stream %}</table>"""
    streams = {"items": Stream(key="id", limit=4), "rows": Stream(key="id", limit=4)}

    def mount(self) -> None:
        self.title = 0
        self.stream("items", BOARD[-4:])
        self.stream("rows", BOARD[-4:])

    @event
    def add(self, top: bool = False) -> None:
        row = {"id": max((r["id"] for r in BOARD), default=0) + 1, "text": "item"}
        row["text"] = f"item {row['id']}"
        BOARD.append(row)
        for name in ("items", "rows"):
            self.stream_insert(name, row, at=0 if top else -1)

    @event
    def edit(self, item: int) -> None:
        for row in BOARD:
            if row["id"] == item:
                row["text"] += " edited"
                self.stream_insert("items", row)
                self.stream_insert("rows", row)

    @event
    def remove(self, item: int) -> None:
        BOARD[:] = [r for r in BOARD if r["id"] != item]
        self.stream_delete("items", item)
        self.stream_delete("rows", item)

    @event
    def retitle(self) -> None:
        self.title += 1


@register("test_loop_counter")
class LoopCounter(LiveComponent):
    """`@event(on_loop=True)` handlers; each render and handler notes the thread it ran in."""

    template = "<output>{{ count }}</output>"
    count: int = 0

    def extra_context(self) -> dict[str, Any]:
        THREADS.append(("render", threading.get_ident()))
        return {}

    @event(on_loop=True)
    def increment(self) -> None:
        THREADS.append(("increment", threading.get_ident()))
        self.count += 1

    @event(on_loop=True)
    async def add(self, by: int) -> None:
        THREADS.append(("add", threading.get_ident()))
        self.count += by

    @event
    def plain(self) -> None:
        THREADS.append(("plain", threading.get_ident()))
        self.count += 100

    @event(on_loop=True)
    def count_users(self) -> None:
        """Reads the database on the loop: Django refuses."""
        from django.contrib.auth.models import User

        self.count = User.objects.count()

    @event(on_loop=True)
    def publish_count(self) -> None:
        """Publishes a change: the reply applies it in Django's sync thread."""
        self.count += 1
        publish(changed("PUT", "/loop/1", "/loop/", str(self.count)))


#: (what ran, the thread it ran in), appended by `LoopCounter`.
THREADS: list[tuple[str, int]] = []
