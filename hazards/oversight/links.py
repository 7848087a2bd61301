"""The hazard ledger's side of the links to standardization (enterprises/hazard_links.py,
registered in HazardsConfig.ready): the review unit's pre-visit brief of an enterprise,
and a finding of its on-site review recorded as a hazard (source 评审发现)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from hazards import services
from hazards.models import Hazard
from portal.models import User
from reviews.models import Criterion
from reviews.selectors import applicable_versions

# At most this many open major hazards are listed in a brief (an enterprise has few).
BRIEF_MAJOR_LIMIT = 50


def pre_visit_brief(user: User, enterprise: Enterprise) -> dict[str, Any] | None:
    """The enterprise's open major hazards (number, description, deadline, overdue,
    listed or not) and the counts of its general ones (open, overdue, found in the
    last 12 months), for a user who sees the enterprise's hazards; None otherwise.
    Three queries."""
    if not Enterprise.objects.filter(enterprise_scope(user), pk=enterprise.pk).exists():
        return None
    today = timezone.localdate()
    is_open = ~Q(status=Hazard.Status.CLOSED)
    majors = (
        Hazard.objects.filter(is_open, enterprise_id=enterprise.pk, grade=Hazard.Grade.MAJOR)
        .select_related("listing")
        .order_by("deadline", "pk")[:BRIEF_MAJOR_LIMIT]
    )
    general = Hazard.objects.filter(
        enterprise_id=enterprise.pk, grade=Hazard.Grade.GENERAL
    ).aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        last_12_months=Count("pk", filter=Q(found_on__gt=_year_before(today))),
    )
    return {
        "major": [_major_row(hazard, today) for hazard in majors],
        "general": general,
    }


def _year_before(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def _major_row(hazard: Hazard, today: datetime.date) -> dict[str, Any]:
    listing = getattr(hazard, "listing", None)
    return {
        "id": hazard.pk,
        "number": hazard.number,
        "description": hazard.description,
        "status": hazard.status,
        "status_display": str(hazard.get_status_display()),
        "deadline": hazard.deadline,
        "overdue": hazard.deadline < today,
        "listed": listing is not None,
        "listing_number": listing.number if listing is not None else "",
    }


def record_review_finding(
    *,
    actor: User,
    enterprise: Enterprise,
    description: str,
    criterion_id: int | None,
    deadline: datetime.date | str | None,
    location: str,
    category: str,
) -> tuple[int, str]:
    """A finding of the on-site review as a general hazard of the enterprise's ledger,
    found today, citing the finding's criterion (as its basis, and as its criterion
    when the standard is in force for the enterprise). hazards.services.hazard_record
    judges the rest and refuses with a ServiceError, writing nothing."""
    fields: dict[str, Any] = {
        "found_on": timezone.localdate(),
        "source": Hazard.Source.REVIEW,
        "location": location,
        "description": description,
        "category": category or Hazard.Category.SITE,
        "deadline": deadline,
        "grade": Hazard.Grade.GENERAL,
    }
    criterion = Criterion.objects.filter(pk=criterion_id).first() if criterion_id else None
    if criterion is not None:
        fields["basis"] = criterion.code
        if criterion.version_id in {version.pk for version in applicable_versions(enterprise)}:
            fields["criterion"] = criterion
    hazard = services.hazard_record(actor=actor, enterprise=enterprise, **fields)
    return hazard.pk, hazard.number
