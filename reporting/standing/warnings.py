"""The warning list (警示名单): entry rules as data, evaluated each night.

Each rule returns the active enterprises that meet it today, with the reason
(public facts only: numbers, dates, counts; never a person). ``evaluate`` opens
an entry for an enterprise that newly meets a rule and closes the open entry of
one that no longer does (the row stays, with the day and why it was removed), so
running it twice in a day changes nothing the second time. Which rules apply,
and their windows, are settings (portal/settings.py, ``STANDING_WARNING_*``):

- ``revoked_certificate``: a certificate revoked within STANDING_WARNING_REVOKED_DAYS
  (365, about the re-application lock of REAPPLY_LOCK_MONTHS), unless a certificate
  issued since is in force;
- ``major_hazard_overdue``: a major hazard (重大事故隐患) still open past its
  rectification deadline (hazards/standardization.py flags the same hazards);
- ``below_standard``: the on-site review after a rectification found no grade
  reached (the application closed as ``close_not_reached`` after a rectification
  step) within STANDING_WARNING_BELOW_STANDARD_DAYS, and no certificate since;
- ``self_reports``: at least STANDING_WARNING_SELF_REPORT_MISSES of the last
  STANDING_WARNING_SELF_REPORT_QUARTERS quarterly self-reports whose due date has
  passed were late or missing (quarters due before the enterprise was registered
  do not count);
- ``fatal_accident``: an accident with deaths recorded within
  STANDING_WARNING_ACCIDENT_DAYS (365)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import ApplicationEvent, Certificate, Status
from certification.validity import LIVE
from enterprises.models import Accident, Enterprise
from hazards.models import Hazard, PeriodKind, SelfReport
from hazards.selfreports.periods import Period
from hazards.selfreports.selectors import FILED_STATUSES
from reporting.standing import bulk
from reporting.standing.models import StandingChange, WarningEntry

ACTIVE = Enterprise.Status.ACTIVE
Found = dict[int, str]  # enterprise id -> reason
BATCH = 2000


@dataclass(frozen=True)
class Rule:
    name: str
    label: Any
    find: Callable[[datetime.date], Found]


def _since(today: datetime.date, days: int) -> datetime.datetime:
    start = today - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))


def _day(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _live_since() -> dict[int, datetime.date]:
    """Enterprise id -> the newest valid_from of its certificates in force."""
    today = timezone.localdate()
    newest: dict[int, datetime.date] = {}
    for enterprise_id, valid_from in Certificate.objects.filter(
        status__in=LIVE, valid_until__gte=today
    ).values_list("enterprise_id", "valid_from"):
        if enterprise_id not in newest or valid_from > newest[enterprise_id]:
            newest[enterprise_id] = valid_from
    return newest


def revoked_certificate(today: datetime.date) -> Found:
    days = settings.STANDING_WARNING_REVOKED_DAYS
    found: Found = {}
    newer = _live_since()
    for enterprise_id, number, changed_at in (
        Certificate.objects.filter(
            status=Certificate.Status.REVOKED,
            status_changed_at__gte=_since(today, days),
            enterprise__status=ACTIVE,
        )
        .order_by("status_changed_at")
        .values_list("enterprise_id", "number", "status_changed_at")
    ):
        revoked_on = timezone.localtime(changed_at).date()
        if enterprise_id in newer and newer[enterprise_id] >= revoked_on:
            continue
        found[enterprise_id] = _("Certificate %(number)s revoked on %(day)s") % {
            "number": number,
            "day": revoked_on.isoformat(),
        }
    return found


def major_hazard_overdue(today: datetime.date) -> Found:
    found: Found = {}
    for enterprise_id, number, deadline in (
        Hazard.objects.filter(
            grade=Hazard.Grade.MAJOR, deadline__lt=today, enterprise__status=ACTIVE
        )
        .exclude(status=Hazard.Status.CLOSED)
        .order_by("-deadline", "-pk")  # the earliest deadline is written last and kept
        .values_list("enterprise_id", "number", "deadline")
    ):
        found[enterprise_id] = _(
            "Major hazard %(number)s still open past its deadline %(deadline)s"
        ) % {"number": number, "deadline": deadline.isoformat()}
    return found


def below_standard(today: datetime.date) -> Found:
    days = settings.STANDING_WARNING_BELOW_STANDARD_DAYS
    rectified = ApplicationEvent.objects.filter(to_status=Status.RECTIFICATION).values(
        "application_id"
    )
    newer = _live_since()
    found: Found = {}
    for enterprise_id, closed_at in (
        ApplicationEvent.objects.filter(
            transition="close_not_reached",
            created_at__gte=_since(today, days),
            application_id__in=rectified,
            application__enterprise__status=ACTIVE,
        )
        .order_by("created_at")
        .values_list("application__enterprise_id", "created_at")
    ):
        closed_on = timezone.localtime(closed_at).date()
        if enterprise_id in newer and newer[enterprise_id] >= closed_on:
            continue
        found[enterprise_id] = _(
            "No grade reached after rectification (review closed on %(day)s)"
        ) % {"day": closed_on.isoformat()}
    return found


def due_quarters(today: datetime.date, count: int) -> list[Period]:
    """The last ``count`` quarters whose self-report due date has passed, newest first."""
    period = Period(PeriodKind.QUARTER, today.year, (today.month - 1) // 3 + 1).previous()
    while period.due_on() >= today:
        period = period.previous()
    found = []
    for _step in range(count):
        found.append(period)
        period = period.previous()
    return found


def self_reports(today: datetime.date) -> Found:
    quarters = due_quarters(today, settings.STANDING_WARNING_SELF_REPORT_QUARTERS)
    misses_needed = settings.STANDING_WARNING_SELF_REPORT_MISSES
    which = Q()
    for quarter in quarters:
        which |= Q(year=quarter.year, period=quarter.number)
    on_time: Counter[int] = Counter(
        SelfReport.objects.filter(
            which,
            period_kind=PeriodKind.QUARTER,
            is_current=True,
            status__in=FILED_STATUSES,
            late=False,
        ).values_list("enterprise_id", flat=True)
    )
    # Midnight of each due date: registered before it, the enterprise owed that form.
    dues = [
        timezone.make_aware(datetime.datetime.combine(quarter.due_on(), datetime.time.min))
        for quarter in quarters
    ]
    oldest = min(dues)
    found: Found = {}
    for enterprise_id, created_at in Enterprise.objects.filter(status=ACTIVE).values_list(
        "id", "created_at"
    ):
        if created_at < oldest:
            owed = len(dues)
        else:
            owed = sum(1 for due in dues if created_at < due)
        misses = owed - on_time.get(enterprise_id, 0)
        if misses >= misses_needed:
            found[enterprise_id] = _(
                "%(misses)s of the last %(quarters)s quarterly self-reports late or missing"
            ) % {"misses": misses, "quarters": len(quarters)}
    return found


def fatal_accident(today: datetime.date) -> Found:
    start = today - datetime.timedelta(days=settings.STANDING_WARNING_ACCIDENT_DAYS)
    found: Found = {}
    for enterprise_id, occurred_on, deaths in (
        Accident.objects.filter(
            deaths__gte=1, occurred_on__gt=start, occurred_on__lte=today, enterprise__status=ACTIVE
        )
        .order_by("occurred_on")
        .values_list("enterprise_id", "occurred_on", "deaths")
    ):
        found[enterprise_id] = _("Fatal accident on %(day)s (%(deaths)s dead)") % {
            "day": occurred_on.isoformat(),
            "deaths": deaths,
        }
    return found


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("revoked_certificate", gettext_lazy("Certificate revoked"), revoked_certificate),
        Rule(
            "major_hazard_overdue",
            gettext_lazy("Major hazard overdue"),
            major_hazard_overdue,
        ),
        Rule(
            "below_standard",
            gettext_lazy("Below the basic standard after rectification"),
            below_standard,
        ),
        Rule("self_reports", gettext_lazy("Self-reports repeatedly late or missing"), self_reports),
        Rule("fatal_accident", gettext_lazy("Fatal accident"), fatal_accident),
    )
}


def rule_label(name: str) -> str:
    rule = RULES.get(name)
    return str(rule.label) if rule is not None else name


def enabled_rules() -> list[str]:
    return [name for name in settings.STANDING_WARNING_RULES if name in RULES]


@dataclass
class Outcome:
    opened: int = 0
    closed: int = 0


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _regions(enterprise_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(enterprise_ids):
        found.update(Enterprise.objects.filter(pk__in=chunk).values_list("id", "region_id"))
    return found


def evaluate(today: datetime.date | None = None) -> Outcome:
    """Opens and closes the entries of every rule for ``today``; idempotent.

    1. Each enabled rule finds the enterprises meeting it (a switched-off rule
       finds none, so its open entries close).
    2. Per rule, in one transaction: the open entries no longer met are closed,
       the enterprises newly met get an entry; each change is appended to the
       change log the feeds read.
    """
    today = today or timezone.localdate()
    outcome = Outcome()
    enabled = set(enabled_rules())
    known = set(RULES) | set(
        WarningEntry.objects.filter(closed_on__isnull=True).values_list("rule", flat=True)
    )
    # Reasons are stored in the portal's language: the public page shows them as written.
    with translation.override(settings.LANGUAGE_CODE):
        for name in sorted(known):
            current = RULES[name].find(today) if name in enabled else {}
            ended = _("The reason has ended") if name in enabled else _("The rule was switched off")
            _apply(name, current, today, ended, outcome)
    return outcome


def _apply(name: str, current: Found, today: datetime.date, ended: str, outcome: Outcome) -> None:
    with transaction.atomic():
        held = dict(
            WarningEntry.objects.select_for_update()
            .filter(rule=name, closed_on__isnull=True)
            .values_list("enterprise_id", "id")
        )
        closing = [enterprise_id for enterprise_id in held if enterprise_id not in current]
        opening = [enterprise_id for enterprise_id in current if enterprise_id not in held]
        for chunk in _chunks([held[enterprise_id] for enterprise_id in closing]):
            WarningEntry.objects.filter(pk__in=chunk).update(closed_on=today, close_reason=ended)
        bulk.insert(
            WarningEntry,
            ["enterprise_id", "rule", "reason", "opened_on", "closed_on", "close_reason"],
            [(pk, name, current[pk][:500], today, None, "") for pk in opening],
        )
        regions = _regions(closing + opening)
        now = timezone.now()
        closed = {"rule": name, "reason": ended, "on": today.isoformat()}
        bulk.insert(
            StandingChange,
            ["enterprise_id", "region_id", "kind", "detail", "created_at"],
            [
                *(
                    (pk, regions[pk], StandingChange.Kind.WARNING_CLOSED, closed, now)
                    for pk in closing
                ),
                *(
                    (
                        pk,
                        regions[pk],
                        StandingChange.Kind.WARNING_OPENED,
                        {"rule": name, "reason": current[pk], "on": today.isoformat()},
                        now,
                    )
                    for pk in opening
                ),
            ],
        )
    outcome.opened += len(opening)
    outcome.closed += len(closing)


def open_rules(enterprise_ids: Iterable[int]) -> dict[int, list[str]]:
    """Enterprise id -> the rules of its open entries."""
    found: dict[int, list[str]] = {}
    for chunk in _chunks(list(enterprise_ids)):
        for enterprise_id, rule in (
            WarningEntry.objects.filter(enterprise_id__in=chunk, closed_on__isnull=True)
            .order_by("rule")
            .values_list("enterprise_id", "rule")
        ):
            found.setdefault(enterprise_id, []).append(rule)
    return found
