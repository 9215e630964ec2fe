"""Issue 12 items 1 and 5: the user's unsaved input outlives a reconnect, decided by its base ETag.

After a reconnect the page is mounted afresh from the token and the database (any process may
answer); the glue re-sends each dirty form's input with the ETag it was based on as an ordinary
`edit`. Here that re-send is `send("edit", ...)`: what the glue sends, without a browser.
"""

from __future__ import annotations

import pytest

from liveview.testing import LiveClient
from project.polls.models import Choice, Poll

pytestmark = pytest.mark.django_db(transaction=True)


async def new_poll(question: str = "Original?") -> Poll:
    poll = await Poll.objects.acreate(question=question)
    await Choice.objects.acreate(poll=poll, text="Yes")
    return poll


async def stored(poll: Poll) -> str:
    return (await Poll.objects.aget(pk=poll.pk)).question


async def test_regression_input_resent_after_a_reconnect_over_their_change_is_a_conflict(
    live_client: LiveClient,
) -> None:
    poll = await new_poll()
    page = await live_client.open(f"/polls/{poll.pk}/")
    base = page.value("form.editor [name=etag]")
    await page.type("Question", "Mine?")
    assert page.has("[role=status]", text="Unsaved changes")
    await page.close()  # offline: the tab is hidden, the network is gone
    await Poll.objects.filter(pk=poll.pk).aupdate(question="Theirs?", etag="theirs-etag")
    await page.reconnect()
    # The fresh mount shows THEIRS; the glue re-sends MINE with the base it was typed on.
    await page.send("edit", component="form.editor", question="Mine?", etag=base)
    assert page.has(".conflict", text="Theirs?")
    assert page.value("Question") == "Mine?"
    assert page.value("form.editor [name=etag]") == base
    assert page.value("form.editor [name=their_etag]") == "theirs-etag"
    # Item 5: Save must not overwrite THEIRS; the box keeps MINE.
    await page.send("save", component="form.editor", question="Mine?", etag=base)
    assert await stored(poll) == "Theirs?"
    assert page.text(".form-error") == "Someone else changed this: reload it or overwrite it."
    assert page.value("Question") == "Mine?"


async def test_input_resent_after_a_reconnect_on_the_same_version_stays_dirty(
    live_client: LiveClient,
) -> None:
    poll = await new_poll()
    page = await live_client.open(f"/polls/{poll.pk}/")
    base = page.value("form.editor [name=etag]")
    await page.type("Question", "Mine?")
    await page.close()
    await page.reconnect()
    await page.send("edit", component="form.editor", question="Mine?", etag=base)
    assert page.has("[role=status]", text="Unsaved changes") and not page.has(".conflict")
    assert page.value("Question") == "Mine?"
    await page.click(text="Save")
    assert await stored(poll) == "Mine?" and page.has("[role=status]", text="Saved")


async def test_a_save_resent_after_a_reconnect_follows_the_table(live_client: LiveClient) -> None:
    """The user had pressed Save while offline: the glue re-sends the submit with its base."""
    poll = await new_poll()
    page = await live_client.open(f"/polls/{poll.pk}/")
    base = page.value("form.editor [name=etag]")
    await page.close()
    await page.reconnect()
    await page.send("save", component="form.editor", question="Mine?", etag=base)
    assert await stored(poll) == "Mine?" and page.has("[role=status]", text="Saved")
    saved = page.value("form.editor [name=etag]")  # the new base
    await page.close()
    await Poll.objects.filter(pk=poll.pk).aupdate(question="Theirs?", etag="theirs-etag")
    await page.reconnect()
    assert page.value("form.editor [name=etag]") == "theirs-etag"  # the glue keeps `saved`
    await page.send("save", component="form.editor", question="Mine again?", etag=saved)
    assert await stored(poll) == "Theirs?" and page.has(".conflict", text="Theirs?")
