"""The supervision tier (监管频次) of every active enterprise, computed each night.

Points are added per factor (``STANDING_TIER_POINTS``, portal/settings.py); the
sum decides the tier: ``STANDING_TIER_KEY_FROM`` or more is key supervision
(重点监管), ``STANDING_TIER_LIGHT_UP_TO`` or less light supervision (低频监管),
anything between general supervision (一般监管). The factors:

- ``warning``: on the warning list (reporting/standing/warnings.py);
- ``major_open``: a major hazard open (any deadline);
- ``hazards_overdue``: hazards open past their rectification deadline;
- ``accident``: an accident recorded in the last 12 months;
- ``self_report``: the last quarterly self-report due is missing or was late;
- ``no_certificate``: no standardization certificate in force;
- ``grade_high`` / ``grade_3``: a level 1 or 2 certificate / a level 3 or small-firm
  certificate in force (negative points: good standing earns fewer inspections).

No regulation fixes the weights or the frequencies: Beijing publishes only the
three tiers and their sizes (domain.md §7: 344 city-level key, 12,000 district key,
386,000 general units, 2024 [C2]), so both are settings. Each row keeps the factors
that counted (``reasons``) so the page says why.

Everything is read in a handful of grouped queries and written back only where a
row changed (an upsert in batches), so a night at 500,000 enterprises reads the
tables once and writes little; the changes (tier, certificate) are appended to the
change log the feed clients read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import Certificate
from certification.validity import LIVE
from enterprises.accidents import year_ago
from enterprises.models import Accident, Enterprise
from hazards.models import Hazard, PeriodKind, SelfReport
from hazards.selfreports.selectors import FILED_STATUSES
from reporting.standing import bulk
from reporting.standing.models import Standing, StandingChange, WarningEntry
from reporting.standing.warnings import due_quarters

Tier = Standing.Tier
Kind = StandingChange.Kind
COLUMNS = [
    "enterprise_id",
    "tier",
    "points",
    "reasons",
    "grade",
    "certificate_number",
    "valid_until",
    "computed_on",
]
BATCH = 2000
LAST_RUN_KEY = "standing:last-run"
# Best first (certification/certificates/standing.py's order).
GRADE_RANK = {"1": 0, "2": 1, "3": 2, "pass": 3}

FACTORS: dict[str, Any] = {
    "warning": gettext_lazy("On the warning list"),
    "major_open": gettext_lazy("Major hazards open: %(n)s"),
    "hazards_overdue": gettext_lazy("Hazards past their deadline: %(n)s"),
    "accident": gettext_lazy("Accidents in the last 12 months: %(n)s"),
    "self_report": gettext_lazy("Last quarterly self-report missing or late"),
    "no_certificate": gettext_lazy("No standardization certificate in force"),
    "grade_high": gettext_lazy("Level 1 or 2 certificate in force"),
    "grade_3": gettext_lazy("Level 3 or small-firm certificate in force"),
}

# The inspections a year each tier stands for, shown beside it.
TIER_ORDER = [Tier.KEY, Tier.GENERAL, Tier.LIGHT]


def reason_text(reason: dict[str, Any]) -> str:
    label = FACTORS.get(reason.get("code", ""))
    if label is None:
        return str(reason.get("code", ""))
    text = str(label)
    return text % {"n": reason.get("n", 1)} if "%(n)s" in text else text


def reasons_text(reasons: Iterable[dict[str, Any]]) -> str:
    return "; ".join(f"{reason_text(reason)} ({reason.get('points', 0):+d})" for reason in reasons)


def frequency(tier: str) -> int:
    return int(settings.STANDING_TIER_INSPECTIONS.get(tier, 0))


def tier_for(points: int) -> str:
    if points >= settings.STANDING_TIER_KEY_FROM:
        return Tier.KEY
    if points <= settings.STANDING_TIER_LIGHT_UP_TO:
        return Tier.LIGHT
    return Tier.GENERAL


@dataclass
class Facts:
    """What the night knows of every active enterprise (ids -> counts)."""

    regions: dict[int, str]
    best: dict[int, tuple[str, str, datetime.date]]  # grade, number, valid_until
    warning: set[int]
    major_open: dict[int, int]
    overdue: dict[int, int]
    accidents: dict[int, int]
    self_report: set[int]


def gather(today: datetime.date) -> Facts:
    quarter = due_quarters(today, 1)[0]
    due = timezone.make_aware(datetime.datetime.combine(quarter.due_on(), datetime.time.min))
    regions: dict[int, str] = {}
    owed: set[int] = set()
    for pk, region_id, created_at in Enterprise.objects.filter(
        status=Enterprise.Status.ACTIVE
    ).values_list("id", "region_id", "created_at"):
        regions[pk] = region_id
        # Registered before the form was due: it owed the form.
        if created_at < due:
            owed.add(pk)
    best: dict[int, tuple[str, str, datetime.date]] = {}
    for enterprise_id, tier, number, valid_until in Certificate.objects.filter(
        status__in=LIVE, valid_until__gte=today
    ).values_list("enterprise_id", "tier", "number", "valid_until"):
        held = best.get(enterprise_id)
        if held is None or GRADE_RANK.get(tier, 9) < GRADE_RANK.get(held[0], 9):
            best[enterprise_id] = (tier, number, valid_until)
    warning = set(
        WarningEntry.objects.filter(closed_on__isnull=True).values_list("enterprise_id", flat=True)
    )
    major_open: dict[int, int] = {}
    overdue: dict[int, int] = {}
    for row in (
        Hazard.objects.exclude(status=Hazard.Status.CLOSED)
        .order_by()
        .values("enterprise_id")
        .annotate(
            major=Count("id", filter=Q(grade=Hazard.Grade.MAJOR)),
            late=Count("id", filter=Q(deadline__lt=today)),
        )
    ):
        if row["major"]:
            major_open[row["enterprise_id"]] = row["major"]
        if row["late"]:
            overdue[row["enterprise_id"]] = row["late"]
    accidents = dict(
        Accident.objects.filter(occurred_on__gt=year_ago(today), occurred_on__lte=today)
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("id"))
        .values_list("enterprise_id", "n")
    )
    on_time = set(
        SelfReport.objects.filter(
            period_kind=PeriodKind.QUARTER,
            year=quarter.year,
            period=quarter.number,
            is_current=True,
            status__in=FILED_STATUSES,
            late=False,
        ).values_list("enterprise_id", flat=True)
    )
    return Facts(regions, best, warning, major_open, overdue, accidents, owed - on_time)


def assess(enterprise_id: int, facts: Facts) -> tuple[str, int, list[dict[str, Any]]]:
    """(tier, points, reasons) of one enterprise."""
    weights = settings.STANDING_TIER_POINTS
    reasons: list[dict[str, Any]] = []

    def add(code: str, n: int = 1) -> None:
        points = int(weights.get(code, 0))
        if points:
            reasons.append({"code": code, "points": points, "n": n})

    if enterprise_id in facts.warning:
        add("warning")
    if enterprise_id in facts.major_open:
        add("major_open", facts.major_open[enterprise_id])
    if enterprise_id in facts.overdue:
        add("hazards_overdue", facts.overdue[enterprise_id])
    if enterprise_id in facts.accidents:
        add("accident", facts.accidents[enterprise_id])
    if enterprise_id in facts.self_report:
        add("self_report")
    held = facts.best.get(enterprise_id)
    if held is None:
        add("no_certificate")
    elif held[0] in ("1", "2"):
        add("grade_high")
    else:
        add("grade_3")
    points = sum(reason["points"] for reason in reasons)
    return tier_for(points), points, reasons


@dataclass
class Outcome:
    enterprises: int = 0
    written: int = 0
    changes: int = 0


def _certificate_end(numbers: list[str]) -> dict[str, str]:
    """Number -> the change kind of a certificate no longer the enterprise's best."""
    kinds: dict[str, str] = {}
    for start in range(0, len(numbers), BATCH):
        for number, status in Certificate.objects.filter(
            number__in=numbers[start : start + BATCH]
        ).values_list("number", "status"):
            ends: dict[str, str] = {
                Certificate.Status.REVOKED: StandingChange.Kind.CERTIFICATE_REVOKED,
                Certificate.Status.EXPIRED: StandingChange.Kind.CERTIFICATE_EXPIRED,
            }
            kinds[number] = ends.get(status, StandingChange.Kind.CERTIFICATE_ENDED)
    return kinds


def compute(today: datetime.date | None = None) -> Outcome:
    """Recomputes every active enterprise's row; writes only the rows that changed.

    A first row (no earlier night) records no change: the feeds' clients read the
    starting state through the status lookup."""
    today = today or timezone.localdate()
    facts = gather(today)
    previous = {
        row[0]: row
        for row in Standing.objects.values_list(
            "enterprise_id", "tier", "points", "reasons", "grade", "certificate_number"
        )
    }
    rows: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    ended: list[tuple[int, str]] = []
    now = timezone.now()
    for enterprise_id, region_id in facts.regions.items():
        tier, points, reasons = assess(enterprise_id, facts)
        grade, number, valid_until = facts.best.get(enterprise_id, ("", "", None))
        before = previous.get(enterprise_id)
        if before is not None and before[1:] == (tier, points, reasons, grade, number):
            continue
        rows.append((enterprise_id, tier, points, reasons, grade, number, valid_until, today))
        if before is None:
            continue
        if before[1] != tier:
            detail = {"from": before[1], "to": tier, "points": points}
            changes.append((enterprise_id, region_id, Kind.TIER_CHANGED, detail, now))
        if before[5] != number:
            if before[5]:
                ended.append((enterprise_id, before[5]))
            if number:
                detail = {
                    "grade": grade,
                    "number": number,
                    "valid_until": valid_until.isoformat() if valid_until else None,
                }
                changes.append((enterprise_id, region_id, Kind.CERTIFICATE_ANNOUNCED, detail, now))
    kinds = _certificate_end([number for _pk, number in ended])
    changes += [
        (
            enterprise_id,
            facts.regions[enterprise_id],
            kinds.get(number, Kind.CERTIFICATE_ENDED),
            {"number": number},
            now,
        )
        for enterprise_id, number in ended
    ]
    gone = [pk for pk in previous if pk not in facts.regions]
    with transaction.atomic():
        bulk.insert(Standing, COLUMNS, rows, conflict="enterprise_id", update=COLUMNS[1:])
        # Closed or unverified enterprises are no longer supervised here.
        for start in range(0, len(gone), BATCH):
            Standing.objects.filter(enterprise_id__in=gone[start : start + BATCH]).delete()
        bulk.insert(
            StandingChange, ["enterprise_id", "region_id", "kind", "detail", "created_at"], changes
        )
    cache.set(LAST_RUN_KEY, today.isoformat(), None)
    return Outcome(enterprises=len(facts.regions), written=len(rows), changes=len(changes))


def last_run() -> str:
    """The day of the last nightly run ("" before the first)."""
    found = cache.get(LAST_RUN_KEY)
    if found:
        return str(found)
    newest = Standing.objects.order_by("-computed_on").values_list("computed_on", flat=True)[:1]
    return newest[0].isoformat() if newest else ""


def label_for(tier: str) -> str:
    try:
        return str(Tier(tier).label)
    except ValueError:
        return tier


def no_reasons() -> str:
    return _("No factor")
