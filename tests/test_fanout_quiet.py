"""A broadcast's per-page shortcuts (liveview.runtime.fanout, turn.deliver): twins with the same
browser copy share one fragment, and a page that only took its twin's HTML is not settled
again; a page whose code ran still follows its new topics."""

from __future__ import annotations

from django_components import register

from liveview import LiveComponent
from liveview.pubsub.publish import apublish
from liveview.pubsub.resources import ResourceChanged, Subscription
from liveview.runtime.fanout import render_batch
from liveview.runtime.page import Page
from liveview.testing.dom import Document
from tests.support import connect, next_shown

BOARD = {"n": 0}


@register("test_quiet_board")
class Board(LiveComponent):
    viewer_independent = True
    template = "<ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul><p>{{ n }}</p>"

    def mount(self) -> None:
        self.resource_changed(None)

    def resource_changed(self, change: ResourceChanged | None) -> None:
        self.n = BOARD["n"]
        self.items = list(range(min(self.n, 3)))

    def subscriptions(self) -> list[Subscription]:
        return ["/quiet-board/1"]


def a_page() -> Page:
    page = Page(connected=True)
    page.mount("test_quiet_board", "lv-1", {})
    page.render_all()
    return page


def test_twins_with_the_same_copy_get_the_fragment_each_would_have_made_alone() -> None:
    BOARD["n"] = 0
    twins = [a_page() for _ in range(3)]
    alone = [a_page() for _ in range(3)]
    change = ResourceChanged("PUT", "/quiet-board/1", "/quiet-board/", "e1")
    for n in (1, 2, 3, 40):  # the first diffs in full, the next take the text slot
        BOARD["n"] = n
        quiet: list[bool] = []
        frames = render_batch([(page, [change]) for page in twins], quiet)
        assert quiet == [False, True, True]  # the first page rendered, its twins adopted
        expected = [page.changed([change]) for page in alone]
        assert frames == expected
        for twin, page in zip(twins, alone, strict=True):
            record, reference = twin.components["lv-1"]._lv, page.components["lv-1"]._lv
            assert record.html == reference.html
            assert record.text_slot == reference.text_slot
            assert record.whole_streak == reference.whole_streak


def test_a_twin_with_another_copy_gets_its_own_fragment() -> None:
    BOARD["n"] = 0
    first, second = a_page(), a_page()
    BOARD["n"] = 5
    late = a_page()  # opened after a change the first one saw too
    change = ResourceChanged("PUT", "/quiet-board/1", "/quiet-board/", "e1")
    BOARD["n"] = 6
    frames = render_batch([(first, [change]), (second, [change]), (late, [change])])
    assert frames[0] is not None and "<li>2</li>" in frames[0]  # its list was empty
    assert frames[2] is not None and "<li>" not in frames[2]  # its list was the same
    assert frames[1] == frames[0]


@register("test_quiet_moving")
class Moving(LiveComponent):
    """Follows the topic its last change named: a broadcast changes what it shows."""

    template = "<p>{{ topic }} {{ seen }}</p>"

    def mount(self) -> None:
        self.topic, self.seen = "/quiet-move/a", 0

    def resource_changed(self, change: ResourceChanged) -> None:
        if change.etag == "move":
            self.topic = "/quiet-move/b"
        self.seen += 1

    def subscriptions(self) -> list[Subscription]:
        return [self.topic]


async def test_a_broadcast_that_changes_a_pages_topics_resubscribes_it() -> None:
    comm, first = await connect(("test_quiet_moving", "lv-1", {}))
    page = Document(first)
    # The connect's catch-up reloads what it shows once.
    assert "/quiet-move/a 1" in await next_shown(comm, page)
    await apublish(ResourceChanged("PUT", "/quiet-move/a", "/quiet-move/", "move"))
    assert "/quiet-move/b 2" in await next_shown(comm, page)
    # Now it follows b: a change of b reaches it.
    await apublish(ResourceChanged("PUT", "/quiet-move/b", "/quiet-move/", "e2"))
    assert "/quiet-move/b 3" in await next_shown(comm, page)
    await comm.disconnect()
