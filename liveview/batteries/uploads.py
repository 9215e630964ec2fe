# File uploads for live forms: what a field accepts (`Upload`), the signed URL a page uploads
# to (`upload_url`), the temporary entries an upload leaves (`TempUpload`) and their consumption.
# The bytes travel over HTTP (liveview.upload_views), never over the socket.
from __future__ import annotations

import mimetypes
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.text import get_valid_filename

from liveview.core import conf
from liveview.core.token import Binding

URL_SALT = "liveview.upload-url"
ENTRY_SALT = "liveview.upload-entry"
#: Where temporary uploads live in the upload storage, under random names.
TEMP_DIR = "liveview-uploads"
#: The longest file name kept (the extension included).
MAX_NAME = 100

#: Leading bytes of the formats `sniff` knows, and the type each one is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)


class UploadRefused(Exception):
    """An upload broke its field's rules (size, type, count, time) or its URL is not valid:
    the message is what the user reads."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Upload:
    """The rules of one file field: the largest file in bytes, the accepted types (MIME
    types, ``image/*`` patterns; empty: any), how many files, and the seconds an upload may
    take (a slow drip past it is refused)."""

    max_size: int = 10 * 1024 * 1024
    accept: tuple[str, ...] = ()
    max_files: int = 1
    max_seconds: float = 120.0

    def accepts(self, content_type: str) -> bool:
        if not self.accept:
            return True
        major = content_type.split("/", 1)[0]
        return any(a == content_type or a == f"{major}/*" for a in self.accept)

    def check_size(self, size: int) -> None:
        if size > self.max_size:
            raise UploadRefused(
                f"The file is too large: at most {human_size(self.max_size)}.", status=413
            )

    def check_type(self, content_type: str) -> None:
        if not self.accepts(content_type):
            allowed = ", ".join(self.accept)
            raise UploadRefused(f"This type of file is not accepted ({allowed} only).", 415)


def human_size(size: int) -> str:
    """``1.5 MB``-style: what the user reads in a size error."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.3g} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def sniff(head: bytes) -> str:
    """The type of a file from its first bytes (never from what the client said): a known
    signature, ``text/plain`` for UTF-8 text, else ``application/octet-stream``."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError as exc:  # a character cut at the end of `head` is still text
            if exc.start >= len(head) - 3:
                return "text/plain"
    return "application/octet-stream"


def safe_name(name: str, content_type: str) -> str:
    """A file name safe to store: no path, only ``[-\\w.]``, at most MAX_NAME characters, and
    an extension that agrees with the sniffed type (``evil.html`` holding a PNG is stored as
    ``evil.png``, so no web server serves it as HTML)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, ext = os.path.splitext(base)
    try:
        stem = get_valid_filename(stem.lstrip(".") or "file")
    except SuspiciousFileOperation:
        stem = "file"
    allowed = mimetypes.guess_all_extensions(content_type, strict=False)
    ext = ext.lower()
    if ext not in allowed:
        ext = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    return stem[: MAX_NAME - len(ext)] + ext


# -- the signed upload URL -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ticket:
    """What an upload URL authorises: one field of one component of one page, for the
    session that rendered it, under the field's rules, for LIVEVIEW_UPLOAD_URL_MAX_AGE."""

    page: str
    component: str
    field: str
    binding: Binding
    rule: Upload

    def sign(self, now: float | None = None) -> str:
        """The signed ticket. Its issue time is rounded down to a quarter of the URL's
        lifetime, so that re-renders within that window give the same URL (an unchanged
        component is not sent again); it lives between 3/4 and all of the lifetime."""
        b, r = self.binding, self.rule
        window = max(1, conf.upload_url_max_age() // 4)
        issued = int(time.time() if now is None else now) // window * window
        payload: list[Any] = [self.page, self.component, self.field, b.user, b.csrf, b.session]
        payload += [r.max_size, list(r.accept), r.max_files, r.max_seconds, issued]
        return signing.Signer(salt=URL_SALT).sign_object(payload, compress=True)

    @classmethod
    def verify(cls, signed: str) -> Ticket:
        invalid = UploadRefused("This upload link is not valid.", 403)
        try:
            payload = signing.Signer(salt=URL_SALT).unsign_object(signed)
            page, component, field, user, csrf, session, size, accept, files, seconds, issued = (
                payload
            )
            binding = Binding(user=user, csrf=str(csrf), session=session)
            rule = Upload(int(size), tuple(str(a) for a in accept), int(files), float(seconds))
            ticket = cls(str(page), str(component), str(field), binding, rule)
        except (signing.BadSignature, TypeError, ValueError):
            raise invalid from None
        if type(issued) is not int or time.time() - issued > conf.upload_url_max_age():
            raise UploadRefused("This upload link has expired: reload the page.", 403)
        return ticket


def page_id(page: Any) -> str | None:
    """The id of a live page that survives its reconnects (its token's nonce), or None for a
    page that has no socket yet (its first HTTP render: uploads wait until it is live)."""
    token = getattr(page, "mounted_from", None)
    return None if token is None else str(token.page)


def upload_url(page: Any, component: str, field: str, rule: Upload) -> str:
    """The signed URL the browser uploads `field`'s files to, or "" before the page is live."""
    pid = page_id(page)
    if pid is None:
        return ""
    ticket = Ticket(pid, component, field, page.mounted_from.binding, rule)
    return reverse("liveview:upload", args=[ticket.sign()])


# -- temporary uploads ---------------------------------------------------------------------


def storage() -> Storage:
    """Where temporary uploads go (``LIVEVIEW_UPLOAD_STORAGE``, a STORAGES alias)."""
    return storages[conf.upload_storage()]


@dataclass(frozen=True, slots=True)
class TempUpload:
    """One uploaded file waiting for its form's submit: `id` is what the browser holds (signed,
    so it names nothing the server did not write)."""

    path: str
    name: str
    size: int
    content_type: str
    page: str
    component: str
    field: str

    @property
    def id(self) -> str:
        payload = [self.path, self.name, self.size, self.content_type, self.page]
        payload += [self.component, self.field]
        return signing.dumps(payload, salt=ENTRY_SALT, compress=True)

    @classmethod
    def verify(cls, signed: str, page: str, component: str, field: str) -> TempUpload:
        """The entry `signed` names, if it was uploaded for that page, component and field."""
        try:
            payload = signing.loads(signed, salt=ENTRY_SALT, max_age=conf.upload_temp_max_age())
            path, name, size, content_type, *owner = payload
            entry = cls(str(path), str(name), int(size), str(content_type), *map(str, owner))
        except signing.SignatureExpired:
            raise UploadRefused("The upload has expired: choose the file again.", 410) from None
        except (signing.BadSignature, TypeError, ValueError):
            raise UploadRefused("Unknown upload.", 400) from None
        if (entry.page, entry.component, entry.field) != (page, component, field):
            raise UploadRefused("Unknown upload.", 400)
        return entry

    def described(self) -> UploadedFile[Any]:
        """Name, type and size without the bytes: enough for a FileField's validation."""
        return UploadedFile(None, self.name, self.content_type, self.size)

    def open(self) -> UploadedFile[Any]:
        """The stored file, for a form's ``files``: a FileField saves it through its storage."""
        try:
            handle = storage().open(self.path, "rb")
        except FileNotFoundError:
            raise UploadRefused("The upload is gone: choose the file again.", 410) from None
        return UploadedFile(handle, self.name, self.content_type, self.size)

    def discard(self) -> None:
        storage().delete(self.path)


def store(upload: UploadedFile[Any], ticket: Ticket) -> TempUpload:
    """Keep a checked upload in the temporary area, under a random name."""
    path = f"{TEMP_DIR}/{secrets.token_hex(16)}"
    saved = storage().save(path, upload)
    return TempUpload(
        path=saved,
        name=str(upload.name),
        size=int(upload.size or 0),
        content_type=str(upload.content_type),
        page=ticket.page,
        component=ticket.component,
        field=ticket.field,
    )


def _temp_files() -> Iterator[str]:
    store_ = storage()
    try:
        _, files = store_.listdir(TEMP_DIR)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{TEMP_DIR}/{name}"


def sweep(older_than: float | None = None, *, now: float | None = None) -> list[str]:
    """Delete the temporary uploads older than `older_than` seconds (default: the entries'
    lifetime, after which no id can name them): abandoned uploads. Returns their paths."""
    limit = conf.upload_temp_max_age() if older_than is None else older_than
    stamp = time.time() if now is None else now
    store_ = storage()
    removed = []
    for path in _temp_files():
        try:
            modified = store_.get_modified_time(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        # Naive without USE_TZ: local time, like the moment it is compared with.
        moment = datetime.fromtimestamp(stamp, tz=None if modified.tzinfo is None else UTC)
        if (moment - modified).total_seconds() > limit:
            store_.delete(path)
            removed.append(path)
    return removed
