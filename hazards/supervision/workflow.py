"""Listed supervision (挂牌督办), its states and moves declared as data: the one
place they are written down. hazards/supervision/services.py carries each move
out (one service per move, one audit row each); pages and the API offer the
moves open to a user from here.

A district government (for a major hazard of its district) or the city office
lists an open major hazard → 督办中. The enterprise reports its progress at the
listing's interval and records the evaluation of the treatment (16号令 第18条:
its own experts or a safety evaluation body), then applies in writing to close
→ 申请销号. Within settings.LISTING_REVIEW_DAYS the issuing office reviews on
site with at least two of its officials (第23条): 核销 closes the listing and
the hazard (→ 已核销), or 责令改正 (→ 责令改正), after which the enterprise
applies again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from hazards.models import SupervisionListing

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = SupervisionListing.Status

# Who acts.
LISTER = "lister"  # the district government of the hazard's region, or the city office
ISSUER = "issuer"  # a user of the organisation that issued the listing
ENTERPRISE = "enterprise"  # any user of the enterprise's account
PRINCIPAL = "principal"  # the enterprise account's organisation admin

OPEN = (Status.LISTED, Status.CORRECTION_ORDERED)  # the enterprise works on it
FINAL = {Status.CLOSED}

# The fewest officials of the issuing office at the on-site review (第23条 practice).
MIN_REVIEWERS = 2


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]  # () for "list": the listing does not exist yet
    target: str | None  # None: the status stays
    actors: tuple[str, ...]
    label: StrOrPromise


MOVES: dict[str, Move] = {
    m.name: m
    for m in [
        Move("list", (), Status.LISTED, (LISTER,), _("List for supervision (挂牌督办)")),
        # Progress reports are due every progress_interval_days from listed_on.
        Move(
            "report_progress",
            (*OPEN, Status.CLOSE_APPLIED),
            None,
            (ENTERPRISE,),
            _("Report progress"),
        ),
        Move("evaluate", OPEN, None, (ENTERPRISE,), _("Record the evaluation")),
        # Needs an evaluation recorded since the last correction order.
        Move(
            "apply_close",
            OPEN,
            Status.CLOSE_APPLIED,
            (PRINCIPAL,),
            _("Apply in writing to close (销号申请)"),
        ),
        Move(
            "review_close",
            (Status.CLOSE_APPLIED,),
            Status.CLOSED,
            (ISSUER,),
            _("On-site review: close (核销)"),
        ),
        Move(
            "review_correct",
            (Status.CLOSE_APPLIED,),
            Status.CORRECTION_ORDERED,
            (ISSUER,),
            _("On-site review: order correction (责令改正)"),
        ),
    ]
}

# The review's verdict names the move it makes.
VERDICT_MOVES = {"closed": "review_close", "correction": "review_correct"}


def moves_from(status: str) -> list[Move]:
    return [m for m in MOVES.values() if status in m.sources]
