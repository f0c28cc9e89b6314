"""Attachments: which files are accepted (by extension and by their first bytes), the size limits, and
writing them under MEDIA_ROOT/complaints/ only after everything has been checked.

Limits (settings, with these defaults):
  COMPLAINT_MAX_UPLOAD_BYTES   10 MB  all attachments of one complaint together (so each file too)
  COMPLAINT_MAX_ATTACHMENTS    5      files per complaint
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile

from lianfang.core.errors import Checker
from lianfang.core.writing import clean_input

from .models import Complaint, ComplaintAttachment

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension → (content type served, accepted leading bytes; None: text, checked as text)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".doc": ("application/msword", (OLE,)),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
    ".txt": ("text/plain", None),
}
ALLOWED_TEXT = "PDF、JPG、PNG、Word（doc/docx）、Excel（xls/xlsx）、TXT"


def max_bytes() -> int:
    return int(settings.COMPLAINT_MAX_UPLOAD_BYTES)


def max_files() -> int:
    return int(getattr(settings, "COMPLAINT_MAX_ATTACHMENTS", 5))


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


@dataclass(frozen=True)
class Upload:
    """A file as received: its name and bytes (the form or the API reads them)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content: bytes
    content_type: str
    sha256: str


def _is_text(content: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return b"\x00" not in content
    return False


def check_uploads(uploads: list[Upload], check: Checker) -> list[CheckedUpload]:
    """Every problem with the files, collected on `check` under "attachments"."""
    if len(uploads) > max_files():
        check.require(False, "attachments", f"附件最多 {max_files()} 个")
    total = sum(len(u.content) for u in uploads)
    check.require(
        total <= max_bytes(),
        "attachments",
        f"附件总大小不能超过 {megabytes(max_bytes())}（现为 {megabytes(total)}）",
    )
    checked: list[CheckedUpload] = []
    for upload in uploads:
        name = clean_input(PurePath(upload.name.replace("\\", "/")).name).replace("/", "_")[:200] or "附件"
        ext = PurePath(name).suffix.lower()
        rule = ALLOWED.get(ext)
        if rule is None:
            check.require(False, "attachments", f"附件“{name}”的类型不允许，仅接受 {ALLOWED_TEXT}")
            continue
        content_type, magic = rule
        if not upload.content:
            check.require(False, "attachments", f"附件“{name}”是空文件")
            continue
        fits = _is_text(upload.content) if magic is None else upload.content.startswith(magic)
        check.require(fits, "attachments", f"附件“{name}”的内容与扩展名 {ext} 不符")
        checked.append(
            CheckedUpload(name, upload.content, content_type, hashlib.sha256(upload.content).hexdigest())
        )
    return checked


def store(complaint: Complaint, uploads: list[CheckedUpload], written: list[str]) -> None:
    """Write the files and their rows; each stored file's name goes into `written` so the caller can
    remove them when the transaction fails."""
    for upload in uploads:
        attachment = ComplaintAttachment(
            complaint=complaint,
            name=upload.name,
            content_type=upload.content_type,
            size=len(upload.content),
            sha256=upload.sha256,
        )
        # The stored name does not carry the original one (which may itself say something).
        ext = PurePath(upload.name).suffix.lower()
        attachment.file.save(f"{upload.sha256[:24]}{ext}", ContentFile(upload.content), save=False)
        written.append(attachment.file.name)
        attachment.save()


def remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
