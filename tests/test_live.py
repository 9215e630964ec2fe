"""`self.live`: what a component may ask of its page, and none of the runtime behind it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from liveview.authoring.live import DEPRECATED, Live
from liveview.runtime.page import Page

ROOT = Path(__file__).resolve().parent.parent


def live_of(page: Page) -> Live:
    return page.mount("test_greeter", "lv-1", {}).live


def test_self_live_is_the_facade_not_the_page() -> None:
    page = Page(connected=True)
    live = live_of(page)
    assert isinstance(live, Live) and not isinstance(live, Page)
    assert live is page.live
    assert live.connected and live.key == page.key and live.user is None


@pytest.mark.parametrize("name", ["render", "records", "components", "sealed", "_page_of"])
def test_the_runtime_is_not_reachable_through_it(name: str) -> None:
    with pytest.raises(AttributeError, match=f"self.live has no '{name}'"):
        getattr(live_of(Page()), name)


@pytest.mark.parametrize("name", sorted(DEPRECATED))
def test_what_the_page_drives_itself_is_deprecated_on_it(name: str) -> None:
    live = live_of(Page())
    assert name not in dir(live)
    with pytest.warns(DeprecationWarning, match=f"self.live.{name} is the page runtime's"):
        getattr(live, name)


def test_it_offers_every_self_live_name_the_docs_and_the_demo_use() -> None:
    used = set()
    for path in [*ROOT.glob("docs/*.md"), *ROOT.glob("project/**/*.py"), ROOT / "README.md"]:
        used |= set(re.findall(r"self\.live\.(\w+)", path.read_text()))
    assert used, "no self.live.X found: the pattern is stale"
    offered = {name for name in dir(Live) if not name.startswith("_")}
    assert used <= offered, used - offered


def test_it_acts_on_its_page() -> None:
    page = Page(connected=True, host="testserver")
    live = live_of(page)
    live.redirect("/done")
    assert page.redirect_to == "/done"
