# ResourceEditor: a live form over one resource that follows the sync table on the ETags the
# browser sends. Every edit, save and overwrite carries the version the user's input was based
# on (and an overwrite the version the user was shown): a stale one is a conflict, never a
# silent overwrite, whatever the server remembers.
from __future__ import annotations

import logging
from typing import Any, ClassVar, Literal

from django import forms
from django.core.exceptions import ImproperlyConfigured

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event
from liveview.batteries.forms import form_errors
from liveview.batteries.sync import Sync, decide
from liveview.pubsub.resources import (
    LiveResource,
    ResourceChanged,
    StaleResource,
    Subscription,
    save_if_match,
)

logger = logging.getLogger("liveview")

DEFAULT_PERMISSION = "<model change permission>"
Action = Literal["save", "overwrite", "reload"]
#: The hidden inputs the form posts: the version the input is based on, and the version the
#: conflict UI shows as theirs (what "Overwrite" may overwrite). The no-JavaScript view's names.
BASE_ETAG = "etag"
THEIR_ETAG = "their_etag"
#: How many versions' field values an editor remembers, to tell that a newer version left the
#: form's fields alone (a vote): a version it forgot is a conflict, never an overwrite.
VERSIONS_KEPT = 8
_NO_ETAG = (
    "This change was sent without the version it was based on (its form has no "
    f'"{BASE_ETAG}" field): nothing was saved. Reload the page.'
)
_NO_THEIR_ETAG = (
    "Overwrite was sent without the version you were shown (its form has no "
    f'"{THEIR_ETAG}" field): nothing was saved.'
)
_CONFLICT = "Someone else changed this: reload it or overwrite it."
_BUSY = "This is being changed by others right now: nothing was saved, try again."


class ResourceEditor(LiveComponent):
    """Edit one `model` row with `form_class`; mount it with ``pk=``.

    The template sees ``form`` (its fields hold the user's input), ``data``, ``etag`` (the
    version the input is based on: render it as ``<input type="hidden" name="etag">``),
    ``dirty``, ``conflict`` (None, or ``{"etag", "values"}``: the other writer's version;
    render its ETag as ``<input type="hidden" name="their_etag">``), ``errors`` (per field;
    ``form`` for the whole form), ``saved``, ``deleted`` and ``can_edit``. Events: ``edit``
    (bind it to input), ``save`` (its ``action`` may be "overwrite" or "reload"),
    ``overwrite`` and ``reload``; each but reload carries ``etag``, an overwrite ``their_etag``.
    """

    model: ClassVar[type[LiveResource]]
    form_class: ClassVar[type[forms.ModelForm[Any]]]
    #: The permission a user needs to save; the model's "change" permission unless set.
    #: None lets anyone save.
    permission: ClassVar[str | None] = DEFAULT_PERMISSION

    def mount(self, pk: int | str) -> None:
        self.pk = pk
        #: The form's field values of versions seen, by ETag (newest last, bounded).
        self.versions: dict[str, dict[str, Any]] = {}
        self.load()

    # -- reading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Drop any input: show the resource as stored now."""
        instance = self._fetch()
        self.deleted = instance is None
        self.uri = instance.uri if instance is not None else ""
        self.etag = instance.etag if instance is not None else None
        self.base = self._seen(instance) if instance is not None else {}
        self.data = dict(self.base)
        self.dirty = False
        self.conflict: dict[str, Any] | None = None
        self.errors: dict[str, list[str]] = {}
        self.saved = False

    def values_of(self, instance: LiveResource) -> dict[str, Any]:
        """The form's fields as `instance` holds them, as the form would show them."""
        form = self.form_class(instance=instance)
        return {name: form[name].value() for name in form.fields}

    def subscriptions(self) -> list[Subscription]:
        return [self.uri] if self.uri else []

    def extra_context(self) -> dict[str, Any]:
        # Unbound, with the input as initial values: the fields show what the user typed,
        # and errors come from the last save or edit, not from rendering.
        return {"form": self.form_class(initial=self.data), "can_edit": self.can_edit()}

    def can_edit(self) -> bool:
        permission = self._permission()
        if permission is None:
            return True
        user = self.live.user
        return bool(user is not None and user.has_perm(permission))

    # -- the sync table ---------------------------------------------------------------------

    def resource_changed(self, change: ResourceChanged) -> None:
        # What the page shows until the browser's next action, which decides on its own ETag.
        if change.method == "DELETE":
            self.deleted = True
            self.etag = None
            return
        action = decide(self.etag, change.etag, dirty=self.dirty)
        if action is Sync.RELOAD:
            self.load()
        elif action is Sync.CONFLICT:
            self._conflict_with(self._fetch(), self.etag)

    def _conflict_with(self, theirs: LiveResource | None, base: str | None) -> None:
        """The input is based on `base`; `theirs` is stored now: a conflict, unless their write
        left every field of this form as `base` had it (a vote, say)."""
        if theirs is None:
            self.deleted = True
            return
        values = self._seen(theirs)
        if base is not None and self.versions.get(base) == values:
            self.etag, self.base, self.conflict = theirs.etag, values, None
            self.dirty = self._is_dirty()
            return
        self.etag = base
        self.dirty = True
        self.conflict = {"etag": theirs.etag, "values": values}

    def _follow_base(self, base: str, current: LiveResource) -> None:
        """Put the form on the browser's `base` (the input in `data`), judged against `current`."""
        values = self._seen(current)
        if base == current.etag:
            self.etag, self.base, self.conflict = base, values, None
            self.dirty = self._is_dirty()
        elif not self._differs(values):
            # The input is what is stored now: nothing to resolve, nothing to save.
            self.etag, self.base, self.conflict, self.dirty = current.etag, values, None, False
        elif self.versions.get(base) is not None and not self._differs(self.versions[base]):
            self.load()  # the user changed nothing of an older version: show the current one
        else:
            self._conflict_with(current, base)

    def _take_input(
        self, action: str, etag: str | None, values: dict[str, Any]
    ) -> LiveResource | None:
        """Keep the input and decide by the table on the ETag it came with; None: stop here."""
        self.data = self._input(values)
        if etag is None:
            self._refuse(_NO_ETAG, action)
            return None
        current = self._fetch()
        if current is None:
            self.deleted = True
            return None
        self._follow_base(etag, current)
        return current

    # -- events -----------------------------------------------------------------------------

    @event
    def edit(self, etag: str | None = None, **values: Any) -> None:
        """The input as typed, with the ETag it is based on (the form's hidden ``etag``)."""
        current = self._take_input("edit", etag, values)
        if current is None:
            return
        if self.dirty:  # an edit that lands after its own save (debounced) keeps "Saved"
            self.saved = False
        form = self.form_class(data=self.data, instance=current)
        self.errors = {} if form.is_valid() else form_errors(form)

    @event
    def save(
        self,
        action: Action = "save",
        etag: str | None = None,
        their_etag: str | None = None,
        **values: Any,
    ) -> None:
        """The form's submit; its buttons pick the `action` (the conflict's choices included)."""
        if action == "reload":
            self.load()
            return
        if action == "overwrite":
            self.overwrite(etag=etag, their_etag=their_etag, **values)
            return
        if self._take_input("save", etag, values) is None:
            return
        if self.conflict is not None:
            self.saved = False
            self.errors = {"form": [_CONFLICT]}
            return
        self._save(self.etag)

    @event
    def overwrite(
        self, etag: str | None = None, their_etag: str | None = None, **values: Any
    ) -> None:
        """Save the input over the version the user was shown (`their_etag`), and only that."""
        if values:
            self.data = self._input(values)
        if their_etag is None:
            self._refuse(_NO_THEIR_ETAG, "overwrite")
            return
        if etag is not None:
            self.etag = etag
        self.dirty = True
        self._save(their_etag)

    @event
    def reload(self) -> None:
        self.load()

    def _save(self, etag: str | None, retries: int = 3) -> None:
        """Save the input over version `etag` only; a newer version is a conflict (retried on
        a newer one that left the form's fields alone, a few times: votes keep coming)."""
        self.saved = False
        if not self.can_edit():
            self.errors = {"form": ["You do not have permission to change this."]}
            return
        instance = self._fetch()
        if instance is None or etag is None:
            self.deleted = True
            return
        self._seen(instance)
        form = self.form_class(data=self.data, instance=instance)
        if not form.is_valid():
            self.errors = form_errors(form)
            return
        try:
            save_if_match(form.save(commit=False), etag)
        except StaleResource:
            base = self.etag
            self._conflict_with(self._fetch(), etag)
            if self.conflict is None and not self.deleted:  # only untouched fields changed
                if retries:
                    self._save(self.etag, retries - 1)
                else:
                    self.errors = {"form": [_BUSY]}
            elif self.conflict is not None:
                self.etag = base  # the user's input is still based on what it was
                self.errors = {"form": [_CONFLICT]}
            return
        form.save_m2m()
        self.etag = form.instance.etag
        self.base = self._seen(form.instance)
        self.data = dict(self.base)
        self.dirty = False
        self.conflict = None
        self.errors = {}
        self.saved = True

    def _refuse(self, message: str, name: str) -> None:
        logger.warning("liveview: %s.%s refused: %s", type(self).__name__, name, message)
        self.saved = False
        self.errors = {"form": [message]}

    def _seen(self, instance: LiveResource) -> dict[str, Any]:
        """`instance`'s field values, remembered under its ETag."""
        values = self.values_of(instance)
        versions = self.versions
        versions.pop(instance.etag, None)
        versions[instance.etag] = values
        while len(versions) > VERSIONS_KEPT:
            del versions[next(iter(versions))]
        return values

    def _differs(self, values: dict[str, Any]) -> bool:
        """Whether the input differs from `values` (as the form compares them)."""
        return bool(self.form_class(data=self.data, initial=values).has_changed())

    def _is_dirty(self) -> bool:
        return self._differs(self.base)

    def _input(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = self.form_class.base_fields
        return {name: values.get(name, self.data.get(name)) for name in fields}

    def _fetch(self) -> LiveResource | None:
        return self.model._base_manager.filter(pk=self.pk).first()

    def _permission(self) -> str | None:
        if self.permission != DEFAULT_PERMISSION:
            return self.permission
        if not hasattr(type(self), "model"):
            raise ImproperlyConfigured(f"{type(self).__name__} sets no model")
        opts = self.model._meta
        return f"{opts.app_label}.change_{opts.model_name}"
