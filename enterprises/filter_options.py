"""The districts and industries the registry's filters offer, read once per process
every few minutes: reference data loaded by the migrations and changed only by a
release, yet read on every list page otherwise. (Streets are read per page: a
district's few dozen, and they are added at run time.)"""

from __future__ import annotations

import threading
import time

from portal.models import Industry, Region

KEEP_SECONDS = 300

_lock = threading.Lock()
_loaded: tuple[float, list[Region], list[Industry]] | None = None


def districts_and_industries() -> tuple[list[Region], list[Industry]]:
    global _loaded
    with _lock:
        if _loaded is None or time.monotonic() - _loaded[0] > KEEP_SECONDS:
            _loaded = (time.monotonic(), list(Region.objects.all()), list(Industry.objects.all()))
        return _loaded[1], _loaded[2]


def forget() -> None:
    """Read them again on next use."""
    global _loaded
    with _lock:
        _loaded = None
