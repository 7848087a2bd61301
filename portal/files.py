"""Checking uploaded files by their content, not their name."""

from __future__ import annotations

import hashlib
import zipfile
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext as _

from portal.errors import ServiceError
from portal.fields import limit_of

if TYPE_CHECKING:
    from portal.models import User
    from portal.models.files import StoredFile

Stored = TypeVar("Stored", bound="StoredFile")

ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff_type(upload) -> str | None:
    """The file's real type from its content (the name is not trusted)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return "docx"
            if any(name.startswith("xl/") for name in names):
                return "xlsx"
    return None


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_document(upload, max_bytes: int) -> str:
    """The type of an uploaded document, or a ServiceError saying what is wrong."""
    if upload.size > max_bytes:
        raise ServiceError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": max_bytes // 1048576},
            field="file",
        )
    kind = sniff_type(upload)
    if kind is None:
        raise ServiceError(
            _("“%(name)s” is not a PDF, JPG, PNG, DOCX or XLSX file (checked from its content).")
            % {"name": upload.name},
            field="file",
        )
    return kind


def upload_name(upload: Any, max_length: int = 255) -> str:
    """The file's own name, without the folders: browsers on Windows may send
    ``C:\\fakepath\\x.jpg``, which POSIX basename leaves whole."""
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:max_length]


def store_upload(instance: Stored, upload: Any, *, detected: str, uploaded_by: User) -> Stored:
    """Fill a StoredFile's record of ``upload`` (checked by the caller, whose
    type was ``detected``), store the bytes under their digest and save."""
    digest = sha256_of(upload)
    instance.original_name = upload_name(upload, limit_of(type(instance), "original_name"))
    instance.content_type = ALLOWED_TYPES[detected]
    instance.size = upload.size or 0
    instance.sha256 = digest
    instance.uploaded_by = uploaded_by
    # Subclasses declare the FileField (each with its own upload_to).
    instance.file.save(f"{digest}.{detected}", upload, save=False)  # type: ignore[attr-defined]
    instance.save()
    return instance


EXTENSIONS = {content_type: extension for extension, content_type in ALLOWED_TYPES.items()}
UNKNOWN_TYPE = "application/octet-stream"


def download_name(original: str, content_type: str) -> str:
    """The original name's stem with the extension of the type found in the
    content: evil.html holding a PDF is served as evil.pdf, never as HTML."""
    name = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}.{EXTENSIONS.get(content_type, 'bin')}"


def stored_file_response(stored, *, filename: str, content_type: str):
    """A stored file as an attachment named after its detected type (the
    original stem kept); 404 if the file has gone from storage. Callers check
    access first: uploads are never served from MEDIA_URL. A type outside
    ALLOWED_TYPES is sent as opaque bytes; SecurityMiddleware adds nosniff."""
    from django.http import FileResponse, Http404

    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if content_type not in EXTENSIONS:
        content_type = UNKNOWN_TYPE
    return FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(filename, content_type),
        content_type=content_type,
    )
