# A Django upload handler that enforces each file field's `Upload` rules while the request is
# read: the first byte over the size, a file too many or a drip past the time limit stops it,
# and the sniffed type is checked before the file is handed on. Nothing reaches a storage.
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Mapping
from typing import IO, Any, NoReturn

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from liveview.batteries.uploads import Upload, UploadRefused, safe_name, sniff

#: Bytes read to tell a file's type.
SNIFF_BYTES = 2048


class LimitedUploadHandler(FileUploadHandler):
    """Streams each file of a field named in `rules` to an anonymous temporary file (gone once
    closed). A file that breaks a rule is dropped as soon as it does (the rest of the request
    is still read: the form's other fields are not lost) and its error kept in `errors`, per
    field; files of other fields are dropped too. A body larger than every allowed file
    together raises UploadRefused before it is read. `clock`: tests pass their own."""

    def __init__(
        self,
        request: HttpRequest | None,
        rules: Mapping[str, Upload],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(request)
        self.rules = dict(rules)
        self.clock = clock
        self.started = clock()
        self.counts: dict[str, int] = {}
        self.errors: dict[str, list[str]] = {}
        #: The HTTP status of the last refusal (413 too large, 415 wrong type, ...).
        self.status = 400
        self.rule = Upload()
        #: The file being read (Django's parser closes it when a file is skipped).
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.file.close()
        self.dropped = True

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        most = sum(r.max_size * r.max_files for r in self.rules.values()) + 64 * 1024
        if content_length > most:
            limit = max((r.max_size for r in self.rules.values()), default=0)
            Upload(max_size=limit).check_size(content_length)

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the request
        self.dropped = False
        rule = self.rules.get(field_name)
        if rule is None:
            self._refuse(UploadRefused("This form takes no file here."))
        assert rule is not None
        self.counts[field_name] = self.counts.get(field_name, 0) + 1
        if self.counts[field_name] > rule.max_files:
            many = "one file" if rule.max_files == 1 else f"{rule.max_files} files"
            self._refuse(UploadRefused(f"Too many files: at most {many}."))
        self.rule = rule

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        try:
            self.rule.check_size(start + len(raw_data))
            if self.clock() - self.started > self.rule.max_seconds:
                raise UploadRefused("The upload took too long.", 408)
        except UploadRefused as exc:
            self._refuse(exc)
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile[Any] | None:
        if self.dropped:  # pragma: no cover - a skipped file never completes
            return None
        self.file.seek(0)
        content_type = sniff(self.file.read(SNIFF_BYTES))
        try:
            if file_size == 0:
                raise UploadRefused("The file is empty.")
            self.rule.check_type(content_type)
        except UploadRefused as exc:
            self._drop(exc)
            return None
        self.file.seek(0)
        name = safe_name(self.file_name or "file", content_type)
        return UploadedFile(self.file, name, content_type, file_size)

    def _drop(self, exc: UploadRefused) -> None:
        """Forget the current file (its bytes go with its temporary file) and keep why."""
        self.file.close()
        self.dropped = True
        self.errors.setdefault(str(self.field_name), []).append(exc.message)
        self.status = exc.status

    def _refuse(self, exc: UploadRefused) -> NoReturn:
        self._drop(exc)
        raise SkipFile(exc.message)
