"""The on-site review (现场评审): scoring against the self-assessment's
baseline, findings with photos, rectification, and the signed report.

Hooks of the declared moves (called by certification/services.perform inside
its transaction; see Move there). Import certification.services only inside
functions: services imports this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certification.services import Move


def finish_start_review(move: Move) -> None:
    """The review's scores start as a copy of the self-assessment's answers."""


def prepare_request_rectification(move: Move) -> None:
    """Needs ``move.data["deadline"]``; stops the review clock."""


def prepare_submit_rectification(move: Move) -> None:
    """Needs rectification evidence; restarts the review clock."""


def prepare_submit_report(move: Move) -> None:
    """Needs every row scored, the summary and every member's sign-off."""


def prepare_send_back(move: Move) -> None:
    """The report goes back to the review unit: its sign-offs are void."""
