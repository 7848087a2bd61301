"""An uploaded standard file kept between the dry run and the confirmed import.

Stored under MEDIA_ROOT/standard-uploads/<sha256>.<yaml|xlsx> through the
default storage (so it also works with object storage); the name is the
content's SHA-256, checked again when the file is read back.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "standard-uploads"
FORMATS = ("yaml", "xlsx")
KEEP_FOR = timedelta(days=1)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _name(sha256: str, fmt: str) -> str | None:
    if not _SHA256.match(sha256 or "") or fmt not in FORMATS:
        return None
    return f"{FOLDER}/{sha256}.{fmt}"


def stash(content: bytes, fmt: str) -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    name = _name(sha256, fmt)
    if name is not None and not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
    _sweep()
    return sha256


def fetch(sha256: str, fmt: str) -> bytes | None:
    """The stashed content, or None if it is gone or does not match its name."""
    name = _name(sha256, fmt)
    if name is None or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    return content if hashlib.sha256(content).hexdigest() == sha256 else None


def discard(sha256: str, fmt: str) -> None:
    name = _name(sha256, fmt)
    if name is not None and default_storage.exists(name):
        default_storage.delete(name)


def _sweep() -> None:
    """Forget uploads nobody confirmed within a day."""
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - KEEP_FOR
    for filename in files:
        name = f"{FOLDER}/{filename}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (FileNotFoundError, NotImplementedError):
            continue
