"""The dashboard of each role, as data (reporting/dashboards/common.py describes the
sections): the home page renders it, /api/v1/dashboards/me/ returns it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.dashboards import city, local, reviews, standing
from reporting.dashboards.common import Section, statistics_links
from reporting.statistics.filters import may_read as reads_statistics

BUILDERS: dict[str, Callable[[User], list[Section]]] = {
    Kind.CITY_OFFICE: city.city,
    Kind.DISTRICT: local.district,
    Kind.STREET: local.street,
    Kind.REGULATOR: city.regulator,
    Kind.ORGANISING_UNIT: reviews.organising_unit,
    Kind.ENTERPRISE: lambda user: [standing.standing(user)],
    Kind.GROUP: lambda user: [standing.standing(user)],
}


def has_dashboard(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return bool(getattr(user, "can_act", False) and org is not None and org.kind in BUILDERS)


def build(user: User) -> dict[str, Any] | None:
    """The user's dashboard, or None for a role without one (review units)."""
    if not has_dashboard(user):
        return None
    org = user.organisation
    assert org is not None  # has_dashboard
    return {
        "role": str(org.kind),
        "organisation": org.name,
        "sections": BUILDERS[org.kind](user),
        "statistics": statistics_links() if reads_statistics(user) else [],
    }
