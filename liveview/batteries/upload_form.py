# LiveUploadForm: a LiveForm whose FileFields take files uploaded over HTTP beforehand. Every
# event carries the ids of the field's finished uploads; the submit hands their files to the
# form (a FileField saves them through its storage) and deletes the temporary copies.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.utils.datastructures import MultiValueDict

from liveview.batteries.forms import LiveForm, form_errors
from liveview.batteries.uploads import TempUpload, Upload, UploadRefused, page_id, upload_url
from liveview.runtime.page import page_of


class LiveUploadForm(LiveForm):
    """A LiveForm with file fields (see docs/uploads.md).

    ``uploads`` maps each file field to its rules (``Upload(max_size=..., accept=...,
    max_files=...)``); left empty, every ``FileField`` of ``form_class`` gets ``Upload()``.
    Render each one with ``{% live_upload "field" %}`` inside the ``<form>``.
    """

    uploads: ClassVar[Mapping[str, Upload]] = {}
    #: The glue that uploads the files is loaded on pages that have one (liveview_scripts).
    uses_uploads: ClassVar[bool] = True
    #: Per file field, the ids of the uploads the user's last event carried.
    upload_ids: dict[str, list[str]] = {}

    @classmethod
    def upload_rules(cls) -> dict[str, Upload]:
        if cls.uploads:
            return dict(cls.uploads)
        fields = cls.form_class().fields
        return {n: Upload() for n, f in fields.items() if isinstance(f, forms.FileField)}

    def reset(self) -> None:
        self.upload_ids = {name: [] for name in self.upload_rules()}
        self._opened: list[Any] = []
        self._upload_errors: dict[str, list[str]] = {}
        super().reset()

    def upload_context(self, field: str) -> dict[str, Any]:
        """What ``{% live_upload field %}`` renders: the field's rules, its signed URL (empty
        before the page is live) and the uploads the server holds for it."""
        rule = self.upload_rules()[field]
        return {
            "url": upload_url(page_of(self), self._lv.id, field, rule)
            if self.live.connected
            else "",
            "rule": rule,
            "ids": self.upload_ids.get(field, []),
        }

    # -- the form, with the uploaded files ------------------------------------------------------

    def bound_form(self) -> forms.BaseForm:
        files = self._files(open_them=False)
        return self.form_class(data=self.data, files=files, auto_id=f"{self._lv.id}-%s")

    def _files(self, *, open_them: bool) -> MultiValueDict[str, Any]:
        """The uploads the ids name, as a form's ``files``: opened for a submit, otherwise
        names and sizes only (validation reads no bytes). Bad ids become field errors."""
        files: MultiValueDict[str, Any] = MultiValueDict()
        self._upload_errors = {}
        pid = page_id(page_of(self)) or self.live.key
        for field, rule in self.upload_rules().items():
            ids = self.upload_ids.get(field, [])
            if len(ids) > rule.max_files:
                many = "one file" if rule.max_files == 1 else f"{rule.max_files} files"
                self._upload_errors[field] = [f"Too many files: at most {many}."]
                ids = ids[: rule.max_files]  # the form sees these; the error refuses a submit
            for signed in ids:
                try:
                    entry = TempUpload.verify(signed, pid, self._lv.id, field)
                    upload = entry.open() if open_them else entry.described()
                except UploadRefused as exc:
                    self._upload_errors.setdefault(field, []).append(exc.message)
                    continue
                if open_them:
                    self._opened.append(upload)
                files.appendlist(field, upload)
        return files

    def check(self, *, show_all: bool = False) -> forms.BaseForm:
        form = super().check(show_all=show_all)
        for field, messages in self._upload_errors.items():
            self.valid = False
            self.errors = {**self.errors, field: [*self.errors.get(field, []), *messages]}
        return form

    def extra_context(self) -> dict[str, Any]:
        return {**super().extra_context(), "upload_fields": list(self.upload_rules())}

    # -- events ----------------------------------------------------------------------------------

    def _take(self, values: dict[str, Any]) -> None:
        for field in self.upload_rules():
            if field in values:
                self.upload_ids[field] = _ids(values.pop(field))
        super()._take(values)

    def _accept(self, form: forms.BaseForm) -> bool:
        """The uploads are opened for ``form_valid`` (a FileField saves them through its
        storage), and deleted from the temporary area once it succeeded."""
        self._opened = []
        try:
            form = self.form_class(
                data=self.data, files=self._files(open_them=True), auto_id=f"{self._lv.id}-%s"
            )
            if not form.is_valid() or self._upload_errors:  # gone since the check above
                self._refuse(form)
                return False
            self.form_valid(form)
        finally:
            for upload in self._opened:
                upload.close()
        self._discard_all()
        return True

    def _refuse(self, opened: forms.BaseForm) -> None:
        """Show every error, with what the opened files found that the check (which reads no
        bytes) could not, e.g. a file gone from the temporary area."""
        found = form_errors(opened)
        for field, messages in self._upload_errors.items():
            found[field] = [*found.get(field, []), *messages]
        self.check(show_all=True)
        for field, messages in found.items():
            shown = self.errors.get(field, [])
            if new := [m for m in messages if m not in shown]:
                self.valid = False
                self.errors = {**self.errors, field: [*shown, *new]}

    def _discard_all(self) -> None:
        pid = page_id(page_of(self)) or self.live.key
        for field, ids in self.upload_ids.items():
            for signed in ids:
                try:
                    TempUpload.verify(signed, pid, self._lv.id, field).discard()
                except UploadRefused:
                    continue


def _ids(value: Any) -> list[str]:
    """Upload ids from an event's value: a list, one id, or nothing."""
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if isinstance(v, str) and v]
