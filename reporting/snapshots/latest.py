"""The most recent snapshot rows of one scope, for the dashboards: what last night's
run counted, read in one query on the trend index (scope kind, scope key, period
kind, dimension, period code).

The scope is always given by the caller from the reader's own organisation
(``trends.own_scope``), never from a request parameter."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Subquery

from reporting.models import MetricSnapshot
from reporting.snapshots.periods import DAY


@dataclass
class Latest:
    """The rows of the newest period holding a snapshot: dimension -> [{key, figures}]
    (dimension "" holds the scope's total row, key "")."""

    as_of: datetime.date | None = None
    period_code: str = ""
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.as_of is not None


def read(
    scope_kind: str, scope_key: str, dimensions: Iterable[str], period_kind: str = DAY
) -> Latest:
    """The rows of ``dimensions`` of the newest ``period_kind`` period of the scope;
    empty (falsy) when the scope has no snapshot yet. One query."""
    wanted = sorted(set(dimensions) | {""})
    same = MetricSnapshot.objects.filter(
        scope_kind=scope_kind, scope_key=scope_key, period_kind=period_kind
    )
    # Every scope has a total row in every run, so its newest one names the period.
    newest = same.filter(dimension="", key="").order_by("-period_code").values("period_code")[:1]
    found = Latest()
    for dimension, key, period_code, as_of, figures in (
        same.filter(dimension__in=wanted, period_code=Subquery(newest))
        .order_by()
        .values_list("dimension", "key", "period_code", "as_of", "figures")
    ):
        found.as_of = as_of if found.as_of is None else max(found.as_of, as_of)
        found.period_code = period_code
        found.rows.setdefault(dimension, []).append({"key": key, "figures": figures})
    return found


def latest_rows(
    scope_kind: str, scope_key: str, dimension: str, period_kind: str = DAY
) -> tuple[datetime.date | None, list[dict[str, Any]]]:
    """(as_of, [{key, figures}]) of one dimension of the scope's newest snapshot;
    (None, []) before the first nightly run."""
    found = read(scope_kind, scope_key, [dimension], period_kind)
    return found.as_of, found.rows.get(dimension, [])
