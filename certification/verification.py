"""Verification (复核) by the organising unit: batches, the reproducible
one-third spot-check draw, failed checks reopening the batch.

Hooks of the declared moves (called by certification/services.perform inside
its transaction). Import certification.services only inside functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certification.services import Move


def prepare_verify(move: Move) -> None:
    """Refuses while a required spot check is pending or failed; records the
    grade reached (the report's proposed grade)."""


def prepare_close_not_reached(move: Move) -> None:
    """The review found no grade reached."""
