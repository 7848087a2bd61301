"""What must hold before an enterprise may apply for a grade, checked by apps above the
registry (the hazard ledger: no open major hazard). Each registers a function in its
AppConfig.ready; certification asks ``application_blockers`` without importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# enterprise -> the reasons it may not apply now, each a message in the active language.
Blocker = Callable[[Any], list[str]]

_BLOCKERS: list[Blocker] = []


def add_application_blocker(blocker: Blocker) -> None:
    if blocker not in _BLOCKERS:
        _BLOCKERS.append(blocker)


def application_blockers(enterprise: Any) -> list[str]:
    """Every registered blocker's messages for this enterprise, in registration order."""
    return [message for blocker in _BLOCKERS for message in blocker(enterprise)]
