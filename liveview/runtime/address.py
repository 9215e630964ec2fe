# The page's address for `url_state` (liveview.authoring.urlstate): read into components on
# mount and on back/forward, written after an event as a push or a replace of the history entry.
from __future__ import annotations

from typing import TYPE_CHECKING

from liveview.authoring import urlstate
from liveview.authoring.component import LiveComponent
from liveview.authoring.keep import snapshot
from liveview.runtime.changes import catch_up
from liveview.runtime.render import error_banner

if TYPE_CHECKING:
    from liveview.runtime.page import Page


def checked_url(page: Page, url: str | None) -> str | None:
    """`url` made whole against the page's address; UnsafeUrl when it could leave the site."""
    return None if url is None else urlstate.joined(page.url, urlstate.same_origin(url))


def address(page: Page) -> str:
    """The element that updates the browser's address after an event, or ''."""
    asked, page._url_asked = page._url_asked, None
    showing = [c for c in page.components.values() if type(c).url_state and not c._lv.lazy]
    base = asked[0] if asked is not None and asked[0] is not None else page.url
    if base is None:
        return ""
    new = urlstate.url_of(showing, base) if showing else base
    if asked is None and new == page.url:
        return ""
    if asked is not None:
        mode = asked[1]
    else:
        push = any(type(c).url_history == "push" for c in showing)
        mode = "push" if push else "replace"
    page.url = new
    return urlstate.element(new, mode)


def read_url(comp: LiveComponent, url: str) -> None:
    """Set `comp`'s url_state from `url`; what did not fit is shown until its next event."""
    problems = urlstate.read(comp, url)
    comp._lv.url_note = error_banner(urlstate.banner(problems), None) if problems else None


def navigated(page: Page, cid: str, url: object) -> str | None:
    """Back or forward went to `url` (the glue's `lv_url` event): every component with
    `url_state` takes its values from it and is re-rendered. The browser is there already:
    nothing is pushed."""
    try:
        page.url = urlstate.same_origin(url)
    except urlstate.UnsafeUrl as exc:
        return page.refuse(cid, f"Could not restore the address: {exc}")
    parts: list[str | None] = []
    for comp in list(page.components.values()):
        if not type(comp).url_state or comp._lv.lazy:
            continue
        catch_up(comp)
        before = snapshot(comp.live_state())
        read_url(comp, page.url)
        comp._lv.pristine = False
        parts.append(page.rerender(comp, before))
        page._follow(comp, rendered=True)
    return "".join(p for p in parts if p) or None
