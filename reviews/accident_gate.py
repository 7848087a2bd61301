"""The accident gate of each regime: which accident record still allows a grade.

The scoring function applies a gate (``reviews.scoring.accident_bars``); this
module says which gate a standard's regime uses and counts the accidents
recorded on an enterprise (enterprises.models.Accident) for it.

Sources (domain.md §3.4, §4.3):

- ``gongmao_2011``, ``small_micro_2014``, ``beijing``: 安监总管四〔2011〕84号
  (考评办法, [C2]): in the year before the application 一级 no fatal accident,
  二级 at most 1 death, 三级 at most 2 deaths; a group applying for 一级 needs
  ≥ 90 % of its member enterprises without a fatal accident, for 二级 ≥ 80 %.
  The small and micro (安监总管四〔2014〕17号) and the Beijing local standards
  name no gate of their own, so they keep the 84号 table.
- ``dingji_2021``: 应急〔2021〕83号 (定级办法) asks that in the year before
  the application the enterprise had no production-safety accident with a
  death, serious injuries totalling 3 or more, or a direct economic loss
  totalling 1,000,000 yuan or more. domain.md tags these 2021 conditions [M]
  (not found in a stored source), so every figure is a setting. The group
  share is not given for 83号: none by default.

``settings.ACCIDENT_GATES`` (regime → grade → limits) replaces a regime's
defaults; ``settings.SCORING_ACCIDENT_GATE`` (grade → most deaths), the older
setting, still sets the deaths of the 84号 regimes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.accidents import year_ago
from enterprises.models import Accident, Enterprise
from reviews.scoring import (
    DEATHS,
    DIRECT_LOSS,
    GROUP_SHARE,
    PASS,
    SERIOUS_INJURIES,
    ZERO,
    AccidentRecord,
    accident_bars,
)

TIER_NAMES = {"1": "一级", "2": "二级", "3": "三级", PASS: "达标"}

GATE_84 = {
    "1": {DEATHS: 0, GROUP_SHARE: 90},
    "2": {DEATHS: 1, GROUP_SHARE: 80},
    "3": {DEATHS: 2},
    PASS: {DEATHS: 2},
}
# "死亡、总计3人及以上重伤或者直接经济损失总计100万元及以上": loss in 10,000 yuan.
_LIMITS_83: dict[str, Any] = {DEATHS: 0, SERIOUS_INJURIES: 2, DIRECT_LOSS: 100}
GATE_83 = {grade: dict(_LIMITS_83) for grade in ("1", "2", "3", PASS)}
DEFAULT_GATES: dict[str, dict[str, dict[str, Any]]] = {
    "gongmao_2011": GATE_84,
    "small_micro_2014": GATE_84,
    "beijing": GATE_84,
    "dingji_2021": GATE_83,
}
SOURCES = {
    "gongmao_2011": "安监总管四〔2011〕84号",
    "small_micro_2014": "安监总管四〔2011〕84号",
    "beijing": "安监总管四〔2011〕84号",
    "dingji_2021": "应急〔2021〕83号",
}


def gate_for(regime: str) -> dict[str, dict[str, Any]]:
    """grade → limits for a standard's regime."""
    configured = getattr(settings, "ACCIDENT_GATES", {}) or {}
    if regime in configured:
        return {grade: dict(limits) for grade, limits in configured[regime].items()}
    gate = {grade: dict(limits) for grade, limits in DEFAULT_GATES.get(regime, GATE_84).items()}
    deaths = getattr(settings, "SCORING_ACCIDENT_GATE", None)
    if deaths and DEFAULT_GATES.get(regime, GATE_84) is GATE_84:
        for grade, most in deaths.items():
            gate.setdefault(grade, {})[DEATHS] = most
    return gate


def source_for(regime: str) -> str:
    return SOURCES.get(regime, SOURCES["gongmao_2011"])


def recorded(
    enterprise: Enterprise | int,
    since: datetime.date,
    until: datetime.date | None = None,
    *,
    group: int | None = None,
) -> AccidentRecord:
    """The accidents recorded on the enterprise after ``since`` up to ``until``
    (today); with ``group`` (an organisation id), its member enterprises too."""
    until = until or timezone.localdate()
    enterprise_id: int = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    window = Q(occurred_on__gt=since, occurred_on__lte=until)
    totals = Accident.objects.filter(window, enterprise_id=enterprise_id).aggregate(
        deaths=Sum("deaths"), injuries=Sum("serious_injuries"), loss=Sum("direct_loss")
    )
    members, fatal = None, 0
    if group is not None:
        members = Enterprise.objects.filter(group_id=group).count()
        fatal = (
            Accident.objects.filter(window, enterprise__group_id=group, deaths__gt=0)
            .values("enterprise_id")
            .distinct()
            .count()
        )
    return AccidentRecord(
        deaths=int(totals["deaths"] or 0),
        serious_injuries=int(totals["injuries"] or 0),
        direct_loss=Decimal(totals["loss"] or ZERO),
        group_members=members or None,
        group_members_fatal=fatal,
    )


def year_before(day: datetime.date) -> datetime.date:
    return year_ago(day)


def worse(record: AccidentRecord, *, deaths: int = 0, serious_injuries: int = 0) -> AccidentRecord:
    """The record, or what was declared when that is worse."""
    return AccidentRecord(
        deaths=max(record.deaths, deaths),
        serious_injuries=max(record.serious_injuries, serious_injuries),
        direct_loss=record.direct_loss,
        group_members=record.group_members,
        group_members_fatal=record.group_members_fatal,
    )


def window_for(applied_on: datetime.date | None, today: datetime.date | None = None):
    """(after, until): the year before the application and everything since."""
    today = today or timezone.localdate()
    return year_ago(applied_on or today), today


def application_record(application: Any) -> tuple[AccidentRecord, datetime.date, datetime.date]:
    """(record, after, until) for an application (certification.models.Application):
    the accidents recorded on its enterprise from the year before it was
    submitted up to today (an accident during the review counts), its group's
    members when a group applied, or what it declared when that is worse."""
    submitted = application.submitted_at
    after, until = window_for(timezone.localdate(submitted) if submitted else None)
    applicant = application.applicant
    group = applicant.pk if getattr(applicant, "kind", "") == "group" else None
    record = worse(
        recorded(application.enterprise_id, after, until, group=group),
        deaths=application.deaths_last_year,
        serious_injuries=application.serious_injuries_last_year,
    )
    return record, after, until


def application_refusal(application: Any, grade: str) -> str:
    """Why the accident record no longer allows ``grade`` for the application;
    "" when it does. Checked again at every step after the application."""
    if not grade:
        return ""
    record, after, until = application_record(application)
    regime = application.assessment.version.standard.regime
    return explain(record, regime, grade, after, until)


def explain(
    record: AccidentRecord, regime: str, grade: str, after: datetime.date, until: datetime.date
) -> str:
    """The reason the regime's gate bars ``grade`` for the record; "" when it does not."""
    bars = accident_bars(record, gate_for(regime).get(grade))
    if not bars:
        return ""
    figures = {
        DEATHS: _("%(n)d death(s)") % {"n": record.deaths},
        SERIOUS_INJURIES: _("%(n)d serious injuries") % {"n": record.serious_injuries},
        DIRECT_LOSS: _("direct economic loss of %(loss)s (10,000 yuan)")
        % {"loss": record.direct_loss.normalize()},
        GROUP_SHARE: _(
            "%(fatal)d of the group's %(members)d member enterprises had a fatal accident"
        )
        % {"fatal": record.group_members_fatal, "members": record.group_members or 0},
    }
    return _(
        "The accident record does not allow %(grade)s under %(source)s: %(figures)s between "
        "%(after)s and %(until)s. Nothing was changed."
    ) % {
        "grade": TIER_NAMES.get(grade, grade),
        "source": source_for(regime),
        "figures": "; ".join(figures[bar] for bar in bars),
        "after": after.isoformat(),
        "until": until.isoformat(),
    }
