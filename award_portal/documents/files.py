"""Private uploaded files (DESIGN §8): type detected from content, size limits, SHA-256,
and downloads as attachments. Only PDF, images and Office formats are accepted."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}


@dataclass(frozen=True)
class Inspected:
    content_type: str
    extension: str
    size: int
    sha256: str


def detect_type(upload) -> tuple[str, str] | None:
    """(MIME type, extension) from the first bytes, or None when not an accepted kind."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword", ".doc"  # OLE2: .doc, .xls and .ppt share it
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, kind in OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return kind
    return None


def inspect_upload(upload) -> Inspected:
    """Check one uploaded file; raise ``ValidationError`` with a message for the person."""
    limit = settings.PORTAL_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files may be at most %(limit)s MB.")
            % {
                "name": upload.name,
                "size": upload.size / 1024 / 1024,
                "limit": settings.PORTAL_MAX_UPLOAD_MB,
            }
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name})
    kind = detect_type(upload)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, an image (PNG, JPEG) or an Office document (Word, "
                "Excel, PowerPoint). Whatever its name says, its content decides."
            )
            % {"name": upload.name}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Inspected(kind[0], kind[1], upload.size, digest.hexdigest())


def attachment_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """The file as a download, never rendered inline by the browser."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
