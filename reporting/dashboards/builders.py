"""The dashboard of each role, as data (reporting/dashboards/common.py describes the
sections): the home page renders it, /api/v1/dashboards/me/ returns it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.db_router import reads_from_replica
from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.dashboards import city, local, reviews, standing
from reporting.dashboards.common import Section, Source, statistics_links
from reporting.statistics.filters import may_read as reads_statistics

Builder = Callable[[User, Source], list[Section]]
# Each role's builder and the snapshot dimensions its figures read (None: no table
# figures, no snapshot read; its sections are live and cheap).
BUILDERS: dict[str, tuple[Builder, tuple[str, ...] | None]] = {
    Kind.CITY_OFFICE: (city.city, ("district",)),
    Kind.DISTRICT: (local.district, ("street",)),
    Kind.STREET: (local.street, ("industry",)),
    Kind.REGULATOR: (city.regulator, ("industry",)),
    Kind.ORGANISING_UNIT: (lambda user, _source: reviews.organising_unit(user), None),
    Kind.ENTERPRISE: (lambda user, _source: [standing.standing(user)], None),
    Kind.GROUP: (lambda user, _source: [standing.standing(user)], None),
}


def has_dashboard(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return bool(getattr(user, "can_act", False) and org is not None and org.kind in BUILDERS)


def build(user: User) -> dict[str, Any] | None:
    """The user's dashboard, or None for a role without one (review units)."""
    return build_with_source(user)[0]


@reads_from_replica()
def build_with_source(user: User) -> tuple[dict[str, Any] | None, Source | None]:
    """The dashboard and where its table figures came from (None: no table figures)."""
    if not has_dashboard(user):
        return None, None
    org = user.organisation
    assert org is not None  # has_dashboard
    builder, dimensions = BUILDERS[org.kind]
    source = Source(user, dimensions) if dimensions is not None else None
    dashboard = {
        "role": str(org.kind),
        "organisation": org.name,
        "sections": builder(user, source),  # type: ignore[arg-type]
        "statistics": statistics_links() if reads_statistics(user) else [],
        # Where the table figures come from: last night's snapshot (as_of) or live.
        "source": source.describe() if source is not None else None,
    }
    return dashboard, source
