"""Writing the snapshots: the nightly run and the back-fill.

Nightly (``snapshot_nightly``, the Celery beat task ``reporting.snapshot_nightly``):
first the rows of every period that has ended are frozen (``frozen_at`` set), then the
open periods' rows (the day, month, quarter and year holding today) are upserted with
today's figures. A frozen row is never written again, so a period's figures are those
of its last day (the last nightly run inside it; when runs were missed, of the last
day one ran, which ``as_of`` records, and ``backfill_snapshots --force`` can recount
it as of its last day). Day rows older than
``SNAPSHOT_DAY_ROWS_KEPT`` days are deleted. Running it twice writes the same rows.

Back-fill (``backfill``, ``manage.py backfill_snapshots``): frozen month rows, and
quarter and year rows for the quarters and years that end within the range, for
ended periods, counted as of each period's last day from the records that exist.
Approximations, because the records keep no full history:

- an enterprise counts from its creation (``created_at``) with today's status,
  district, street, industry and scale (a closed enterprise counts as closed for
  every past period; one that moved counts where it is now);
- a certificate counts from its creation (one created after the day counts
  nowhere, not even in another measure's condition), and one whose status changed after the
  day (expired, revoked, suspended), or that expired but was within its validity
  on the day, counts as valid then; a flag raised after the
  day is ignored. Suspensions lifted before the day are not known, nor are annual
  self-assessments' past states (their current state is used);
- records of other kinds registered in ``figures.KINDS`` count from their
  ``created_at`` when they have one, with their current state;
- "in the period" figures (new, revoked, expired without renewal …) are exact, as
  they are read from the records' dates.

The day's state is set up inside a transaction that is always rolled back: the
certificates' statuses are set back there, the counts read, and nothing is kept.
Frozen rows are skipped unless ``force``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from certification.models import Certificate
from reporting.models import MetricSnapshot
from reporting.snapshots import compute as computing
from reporting.snapshots.periods import DAY, KINDS, MONTH, QUARTER, YEAR, Period, period_of
from reporting.statistics import figures

UNIQUE = ["scope_kind", "scope_key", "dimension", "key", "period_kind", "period_code"]
BATCH = 2000
DEFAULT_DAY_ROWS_KEPT = 31
# Where the back-fill puts certificates issued after the day it counts.
NOT_YET = datetime.date(1999, 1, 1)


def day_rows_kept() -> int:
    return int(getattr(settings, "SNAPSHOT_DAY_ROWS_KEPT", DEFAULT_DAY_ROWS_KEPT))


def freeze_ended(today: datetime.date, now: datetime.datetime | None = None) -> int:
    """Freeze the rows of every period that ended before ``today``."""
    now = now or timezone.now()
    frozen = 0
    for kind in KINDS:
        current = period_of(kind, today).code
        frozen += MetricSnapshot.objects.filter(
            period_kind=kind, period_code__lt=current, frozen_at__isnull=True
        ).update(frozen_at=now)
    return frozen


def write(
    cells: dict[computing.Cell, dict[str, Any]],
    period: Period,
    as_of: datetime.date,
    frozen_at: datetime.datetime | None = None,
    force: bool = False,
) -> int:
    """Upsert one period's rows; rows already frozen are left alone unless ``force``."""
    skip: set[tuple[str, str, str, str]] = set()
    if not force:
        skip = set(
            MetricSnapshot.objects.filter(
                period_kind=period.kind, period_code=period.code, frozen_at__isnull=False
            ).values_list("scope_kind", "scope_key", "dimension", "key")
        )
    rows = [
        MetricSnapshot(
            scope_kind=cell[0],
            scope_key=cell[1],
            dimension=cell[2],
            key=cell[3],
            period_kind=period.kind,
            period_code=period.code,
            as_of=as_of,
            frozen_at=frozen_at,
            figures=values,
        )
        for cell, values in cells.items()
        if cell not in skip
    ]
    MetricSnapshot.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=UNIQUE,
        update_fields=["as_of", "frozen_at", "figures"],
    )
    return len(rows)


def snapshot_nightly(today: datetime.date | None = None) -> dict[str, int]:
    """Freeze what ended, write the open periods with today's figures, prune day rows."""
    today = today or timezone.localdate()
    with transaction.atomic():
        frozen = freeze_ended(today)
    results = computing.compute(today, KINDS)
    written = 0
    with transaction.atomic():
        for kind, cells in results.items():
            period = period_of(kind, today)
            written += write(cells, period, today)
            # A cell that no longer has records (a street emptied) keeps no stale row.
            MetricSnapshot.objects.filter(
                period_kind=kind, period_code=period.code, frozen_at__isnull=True
            ).exclude(as_of=today).delete()
        oldest = today - datetime.timedelta(days=day_rows_kept() - 1)
        pruned, _ = MetricSnapshot.objects.filter(
            period_kind=DAY, period_code__lt=oldest.isoformat()
        ).delete()
    return {"frozen": frozen, "written": written, "pruned": pruned}


class _RollBack(Exception):
    pass


def _model_has(model: Any, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _existing(day: datetime.date) -> dict[str, Q]:
    """Per kind: the rows that existed at the end of ``day`` (and their enterprise)."""
    after = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
    )
    restrict: dict[str, Q] = {}
    for name, kind in figures.KINDS.items():
        model = kind.rows().model
        condition = Q(**{kind.prefix + "created_at__lt": after}) if kind.prefix else Q()
        if _model_has(model, "created_at"):
            condition &= Q(created_at__lt=after)
        restrict[name] = condition
    return restrict


def compute_as_of(day: datetime.date, period_kinds: Iterable[str]) -> dict[str, Any]:
    """The figures of ``day`` for the periods of ``period_kinds`` holding it, with the
    certificates as they stood then (see the module's approximations)."""
    after = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
    )
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            # Changed after the day, or expired but still within validity then.
            changed = Certificate.objects.exclude(status=Certificate.Status.VALID).filter(
                Q(status_changed_at__gte=after)
                | Q(status=Certificate.Status.EXPIRED, valid_until__gte=day)
            )
            changed.update(status=Certificate.Status.VALID)
            # Not issued yet: outside every figure, also inside the measures' subqueries.
            Certificate.objects.filter(created_at__gte=after).update(
                status=Certificate.Status.EXPIRED, valid_from=NOT_YET, valid_until=NOT_YET
            )
            Certificate.objects.filter(review_flagged_at__gte=after).update(review_flagged_at=None)
            result = computing.compute(day, period_kinds, restrict=_existing(day))
            raise _RollBack
    except _RollBack:
        pass
    return result


def backfill(
    first: Period,
    final: Period,
    today: datetime.date | None = None,
    force: bool = False,
    report: Any = None,
) -> int:
    """Frozen rows for the ended months from ``first`` to ``final`` and the quarters
    and years ending in them."""
    today = today or timezone.localdate()
    now = timezone.now()
    written = 0
    month = first
    while month.start <= final.start and month.end < today:
        kinds = [MONTH]
        if month.end == period_of(QUARTER, month.end).end:
            kinds.append(QUARTER)
        if month.end == period_of(YEAR, month.end).end:
            kinds.append(YEAR)
        results = compute_as_of(month.end, kinds)
        with transaction.atomic():
            for kind in kinds:
                period = period_of(kind, month.end)
                count = write(results[kind], period, month.end, frozen_at=now, force=force)
                written += count
                if report:
                    report(period, count)
        month = period_of(MONTH, month.end + datetime.timedelta(days=1))
    return written
