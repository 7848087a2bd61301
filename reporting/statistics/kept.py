"""The live statistics tables' figures, kept ``STATISTICS_CACHE_SECONDS`` per
organisation, filters, day and language: at Beijing size a city table takes
0.2–2.2 s of database time, and a dozen officials reading the same table in a
minute would each pay it. A table's export gives the figures of its page; the
drill-down lists behind them stay live."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.statistics import figures
from reporting.statistics.filters import Filters

# Whose scope is its organisation's alone (a place, industries, qualifications):
# every user of the organisation sees the same figures.
SHARED_SCOPES = {Kind.CITY_OFFICE, Kind.DISTRICT, Kind.STREET, Kind.REGULATOR}


def table(
    table_name: str, user: User, filters: Filters, today: datetime.date | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """figures.table, kept for a while when the scope is the organisation's."""
    seconds = settings.STATISTICS_CACHE_SECONDS
    org = user.organisation
    if not seconds or org is None or org.kind not in SHARED_SCOPES:
        return figures.table(table_name, user, filters, today)
    today = today or timezone.localdate()
    query = urlencode(sorted(filters.query().items()))
    key = f"statistics:{table_name}:{org.pk}:{today}:{translation.get_language()}:{query}"
    found = cache.get(key)
    if found is None:
        found = figures.table(table_name, user, filters, today)
        cache.set(key, found, seconds)
    return found
