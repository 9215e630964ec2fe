"""ResourceEditor on two pages: reload when clean, conflict when dirty, never a silent overwrite."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django_components import register

from liveview.batteries.editor import ResourceEditor
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime.page import Page
from project.polls.forms import PollForm
from project.polls.models import Choice, Poll, vote

pytestmark = pytest.mark.django_db(transaction=True)


@register("test_guarded_editor")
class GuardedEditor(ResourceEditor):
    """The default permission: the model's change permission."""

    template = "<p>{{ data.question }} {{ errors }}</p>"
    model = Poll
    form_class = PollForm


def open_editor(
    poll: Poll, name: str = "poll_editor", user: User | AnonymousUser | None = None
) -> tuple[Page, ResourceEditor]:
    page = Page(user=user, connected=True)
    comp = page.mount(name, "lv-1", {"pk": poll.pk})
    page.render(comp, oob=True)
    assert isinstance(comp, ResourceEditor)
    return page, comp


def stored(poll: Poll) -> Poll:
    return Poll.objects.get(pk=poll.pk)


def put(poll: Poll) -> ResourceChanged:
    """What the hub hands the other pages after a write to `poll`."""
    now = stored(poll)
    return ResourceChanged("PUT", now.uri, "/polls/", now.etag)


@pytest.fixture
def poll() -> Poll:
    poll = Poll.objects.create(question="Original?")
    Choice.objects.create(poll=poll, text="Yes")
    return poll


def test_a_clean_editor_reloads_another_writers_change(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    b_page, b = open_editor(poll)
    b_page.dispatch("lv-1", "save", {"question": "Theirs?", "etag": b.etag})
    frame = a_page.changed([put(poll)])
    assert frame is not None and "Theirs?" in frame
    assert a.data == {"question": "Theirs?"} and a.etag == stored(poll).etag and a.conflict is None


def test_a_dirty_editor_keeps_its_input_and_shows_the_conflict(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    b_page, b = open_editor(poll)
    a_page.dispatch("lv-1", "edit", {"question": "Mine?", "etag": a.etag})
    assert a.dirty
    b_page.dispatch("lv-1", "save", {"question": "Theirs?", "etag": b.etag})
    frame = a_page.changed([put(poll)])
    assert frame is not None and "Theirs?" in frame and 'value="Mine?"' in frame
    assert a.conflict is not None and a.conflict["values"] == {"question": "Theirs?"}
    # Saving again with the old ETag is refused: the database keeps B's text.
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": a.etag})
    assert stored(poll).question == "Theirs?" and a.data == {"question": "Mine?"}
    assert a.errors["form"]
    # Choosing to overwrite saves A's text over B's, knowingly.
    overwrite = {"question": "Mine?", "action": "overwrite", "their_etag": a.conflict["etag"]}
    a_page.dispatch("lv-1", "save", {**overwrite, "etag": a.etag})
    assert stored(poll).question == "Mine?" and a.conflict is None and not a.dirty


def test_a_stale_save_is_a_conflict_even_when_the_change_never_arrived(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    b_page, b = open_editor(poll)
    b_page.dispatch("lv-1", "save", {"question": "Theirs?", "etag": b.etag})
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": a.etag})  # A never heard of B
    assert stored(poll).question == "Theirs?"
    assert a.conflict is not None and a.conflict["values"]["question"] == "Theirs?"


def test_reload_drops_the_input_for_theirs(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    b_page, b = open_editor(poll)
    b_page.dispatch("lv-1", "save", {"question": "Theirs?", "etag": b.etag})
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": a.etag})
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "action": "reload", "etag": a.etag})
    assert a.data == {"question": "Theirs?"} and a.conflict is None and not a.dirty


def test_a_change_to_other_fields_is_no_conflict(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    a_page.dispatch("lv-1", "edit", {"question": "Mine?", "etag": a.etag})
    vote(poll.pk, Choice.objects.get(poll=poll).pk)  # a new ETag, the same question
    a_page.changed([put(poll)])
    assert a.conflict is None and a.dirty and a.etag == stored(poll).etag
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": a.etag})
    assert stored(poll).question == "Mine?"


def test_a_deleted_resource_shows_as_deleted(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    uri = poll.uri
    Poll.objects.filter(pk=poll.pk).delete()
    frame = a_page.changed([ResourceChanged("DELETE", uri, "/polls/", None)])
    assert a.deleted and frame is not None and "deleted" in frame


def test_invalid_input_shows_field_errors_and_saves_nothing(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    a_page.dispatch("lv-1", "save", {"question": "", "etag": a.etag})
    assert a.errors["question"] and stored(poll).question == "Original?"


def test_saving_needs_the_change_permission_by_default(poll: Poll) -> None:
    page, comp = open_editor(poll, "test_guarded_editor", AnonymousUser())
    page.dispatch("lv-1", "save", {"question": "Anonymous?", "etag": comp.etag})
    assert stored(poll).question == "Original?" and comp.errors["form"]
    user = User.objects.create_user("editor")
    user.user_permissions.add(Permission.objects.get(codename="change_poll"))
    page, comp = open_editor(poll, "test_guarded_editor", User.objects.get(pk=user.pk))
    page.dispatch("lv-1", "save", {"question": "Permitted?", "etag": comp.etag})
    assert stored(poll).question == "Permitted?"


# -- issue 12: the browser's base ETag decides, not what the server remembers ---------------


def test_regression_an_edit_based_on_a_version_reloaded_meanwhile_is_a_conflict(poll: Poll) -> None:
    """Issue 12 item 3: THEIRS lands between the user's keystroke and the debounced edit."""
    a_page, a = open_editor(poll)
    base = a.etag
    b_page, b = open_editor(poll)
    b_page.dispatch("lv-1", "save", {"question": "Theirs?", "etag": b.etag})
    a_page.changed([put(poll)])  # A was clean: it reloads THEIRS on the server
    a_page.dispatch("lv-1", "edit", {"question": "Mine?", "etag": base})
    assert a.conflict is not None and a.conflict["values"] == {"question": "Theirs?"}
    assert a.data == {"question": "Mine?"}
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": base})
    assert stored(poll).question == "Theirs?" and a.errors["form"]


def test_regression_a_save_based_on_a_version_reloaded_meanwhile_is_a_conflict(poll: Poll) -> None:
    """Issue 12 item 3: the save arrives before the debounced edit, on an old base."""
    a_page, a = open_editor(poll)
    base = a.etag
    b_page, b = open_editor(poll)
    b_page.dispatch("lv-1", "save", {"question": "Theirs?", "etag": b.etag})
    a_page.changed([put(poll)])
    frame = a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": base})
    assert stored(poll).question == "Theirs?"
    assert a.conflict is not None and a.conflict["values"] == {"question": "Theirs?"}
    assert frame is not None and 'value="Mine?"' in frame and "Theirs?" in frame
    assert not a.saved


def test_regression_overwrite_saves_only_over_the_version_the_user_was_shown(poll: Poll) -> None:
    """Issue 12 item 4: conflict shows B; C is saved; Overwrite (their_etag=B) is a conflict."""
    a_page, a = open_editor(poll)
    base = a.etag
    a_page.dispatch("lv-1", "edit", {"question": "Mine?", "etag": base})
    b_page, b = open_editor(poll)
    b_page.dispatch("lv-1", "save", {"question": "B?", "etag": b.etag})
    a_page.changed([put(poll)])
    assert a.conflict is not None
    shown = a.conflict["etag"]
    c_page, c = open_editor(poll)
    c_page.dispatch("lv-1", "save", {"question": "C?", "etag": c.etag})
    a_page.changed([put(poll)])  # the server knows C; the user clicked on B
    overwrite = {"question": "Mine?", "etag": base, "their_etag": shown, "action": "overwrite"}
    frame = a_page.dispatch("lv-1", "save", overwrite)
    assert stored(poll).question == "C?"
    assert a.conflict is not None and a.conflict["values"] == {"question": "C?"}
    assert frame is not None and "C?" in frame and 'value="Mine?"' in frame


def test_an_action_without_its_etag_is_refused_and_keeps_the_input(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    frame = a_page.dispatch("lv-1", "save", {"question": "Mine?"})
    assert stored(poll).question == "Original?" and "etag" in a.errors["form"][0]
    assert frame is not None and "Mine?" in frame
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": a.etag, "action": "overwrite"})
    assert stored(poll).question == "Original?" and "their_etag" in a.errors["form"][0]


def test_a_save_based_on_a_version_before_a_vote_goes_through(poll: Poll) -> None:
    """The browser still holds the ETag from before a vote: the question was not touched."""
    a_page, a = open_editor(poll)
    base = a.etag
    a_page.dispatch("lv-1", "edit", {"question": "Mine?", "etag": base})
    vote(poll.pk, Choice.objects.get(poll=poll).pk)
    a_page.changed([put(poll)])
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": base})
    assert stored(poll).question == "Mine?" and a.saved and a.conflict is None


def test_an_edit_equal_to_theirs_is_no_conflict(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    base = a.etag
    b_page, b = open_editor(poll)
    b_page.dispatch("lv-1", "save", {"question": "Same?", "etag": b.etag})
    a_page.dispatch("lv-1", "edit", {"question": "Same?", "etag": base})
    assert a.conflict is None and not a.dirty and a.etag == stored(poll).etag


def test_an_edit_that_lands_after_its_own_save_keeps_saved(poll: Poll) -> None:
    a_page, a = open_editor(poll)
    base = a.etag
    a_page.dispatch("lv-1", "save", {"question": "Mine?", "etag": base})
    assert a.saved
    a_page.dispatch("lv-1", "edit", {"question": "Mine?", "etag": base})  # debounced, late
    assert a.saved and not a.dirty and a.conflict is None and a.etag == stored(poll).etag
