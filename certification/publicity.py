"""Publicity (公示) batches with public objections, announcement (公告)
batches, and certificate numbers.

Hooks of the declared moves (called by certification/services.perform inside
its transaction). Import certification.services only inside functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certification.services import Move


def prepare_start_publicity(move: Move) -> None:
    """Needs ``move.data["publicity_batch"]``; made by publicity_batch_create."""


def prepare_withdraw_from_publicity(move: Move) -> None:
    """An upheld objection takes the application out of its batch."""


def prepare_announce(move: Move) -> None:
    """Needs ``move.data["announcement"]``, the publicity window over and every
    objection resolved."""


def finish_announce(move: Move) -> None:
    """Issues the certificate with its number."""
