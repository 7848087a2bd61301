"""The live statistics tables' figures, kept ``STATISTICS_CACHE_SECONDS`` per
organisation, filters, day and language: at Beijing size a city table takes
0.2–2.2 s of database time (5 s under load), and a dozen officials reading the same
table in a minute would each pay it. A table's export gives the figures of its page;
the drill-down lists behind them stay live.

Past its time a table is not computed again while its reader waits: the reader gets
the kept figures and a worker computes them again (one refresh per table at a time),
for at most ``STALE_TIMES`` times the setting (20 minutes at 120 s). Only a table
nobody read that long, or never that day, is computed during the request."""

from __future__ import annotations

import datetime
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.statistics import figures
from reporting.statistics.filters import Filters, parse_filters

# Whose scope is its organisation's alone (a place, industries, qualifications):
# every user of the organisation sees the same figures.
SHARED_SCOPES = {Kind.CITY_OFFICE, Kind.DISTRICT, Kind.STREET, Kind.REGULATOR}
# How long past their time kept figures may still be served while they are refreshed.
STALE_TIMES = 10

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
    key = _key(table_name, org.pk, today, filters)
    found = cache.get(key)
    if found is None:
        return _compute(key, table_name, user, filters, today)
    computed_at, kept_figures = found
    if time.time() - computed_at >= seconds and cache.add(f"{key}:refresh", 1, seconds):
        job = (table_name, user.pk, filters.query(), today.isoformat(), translation.get_language())
        transaction.on_commit(lambda: _refresh_later(*job))
    return kept_figures


def refresh(table_name: str, user_id: int, query: dict[str, str], day: str, language: str) -> None:
    """Compute a kept table again (the task reporting.refresh_statistics_table)."""
    user = User.objects.select_related("organisation").get(pk=user_id)
    today = datetime.date.fromisoformat(day)
    with translation.override(language):
        filters = parse_filters(user, query, today, table_name)
        assert user.organisation is not None  # it was a shared scope when it was kept
        key = _key(table_name, user.organisation.pk, today, filters)
        try:
            _compute(key, table_name, user, filters, today)
        finally:
            cache.delete(f"{key}:refresh")


def _key(table_name: str, org_id: int, today: datetime.date, filters: Filters) -> str:
    query = urlencode(sorted(filters.query().items()))
    return f"statistics:{table_name}:{org_id}:{today}:{translation.get_language()}:{query}"


def _compute(
    key: str, table_name: str, user: User, filters: Filters, today: datetime.date
) -> Figures:
    computed_at = time.time()
    found = figures.table(table_name, user, filters, today)
    cache.set(key, (computed_at, found), settings.STATISTICS_CACHE_SECONDS * STALE_TIMES)
    return found


def _refresh_later(*job: Any) -> None:
    from reporting.statistics.tasks import refresh_statistics_table  # tasks import this module

    refresh_statistics_table.delay(*job)
