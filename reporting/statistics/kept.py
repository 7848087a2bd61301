"""The live statistics tables' figures, kept ``STATISTICS_CACHE_SECONDS`` per
organisation, filters, day and language: at Beijing size a city table takes
0.2–2.2 s of database time (5 s under load), and a dozen officials reading the same
table in a minute would each pay it. Past that time the reader gets the kept figures
while a worker computes them again (portal/kept.py). A table's export gives the
figures of its page; the drill-down lists behind them stay live."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone, translation

from portal import kept
from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.statistics import figures
from reporting.statistics.filters import Filters, parse_filters

# Whose scope is its organisation's alone (a place, industries, qualifications):
# every user of the organisation sees the same figures.
SHARED_SCOPES = {Kind.CITY_OFFICE, Kind.DISTRICT, Kind.STREET, Kind.REGULATOR}

Figures = tuple[list[dict[str, Any]], dict[str, Any]]


def table(
    table_name: str, user: User, filters: Filters, today: datetime.date | None = None
) -> Figures:
    """figures.table, kept for a while when the scope is the organisation's."""
    seconds = settings.STATISTICS_CACHE_SECONDS
    org = user.organisation
    if not seconds or org is None or org.kind not in SHARED_SCOPES:
        return figures.table(table_name, user, filters, today)
    today = today or timezone.localdate()
    job = (table_name, user.pk, filters.query(), today.isoformat(), translation.get_language())
    return kept.read(
        _key(table_name, org.pk, today, filters),
        seconds,
        lambda: figures.table(table_name, user, filters, today),
        lambda: _refresh_later(*job),
    )


def refresh(table_name: str, user_id: int, query: dict[str, str], day: str, language: str) -> None:
    """Compute a kept table again (the task reporting.refresh_statistics_table)."""
    user = User.objects.select_related("organisation").get(pk=user_id)
    today = datetime.date.fromisoformat(day)
    assert user.organisation is not None  # it was a shared scope when it was kept
    with translation.override(language):
        filters = parse_filters(user, query, today, table_name)
        kept.refresh(
            _key(table_name, user.organisation.pk, today, filters),
            settings.STATISTICS_CACHE_SECONDS,
            lambda: figures.table(table_name, user, filters, today),
        )


def _key(table_name: str, org_id: int, today: datetime.date, filters: Filters) -> str:
    query = urlencode(sorted(filters.query().items()))
    return f"statistics:{table_name}:{org_id}:{today}:{translation.get_language()}:{query}"


def _refresh_later(*job: Any) -> None:
    from reporting.statistics.tasks import refresh_statistics_table  # tasks import this module

    refresh_statistics_table.delay(*job)
