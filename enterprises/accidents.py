"""Production-safety accidents recorded on an enterprise.

Who records: the enterprise's district, the city office and the enterprise
itself (its own account). Everyone who sees the enterprise sees its
accidents (the enterprise page).

What a record does:

- **Revocation review.** An accident flags every valid or suspended
  certificate of the enterprise for a revocation review
  (certification.lifecycle.rules.flag_for_review, through the signal
  enterprises.signals.accident_flags_review) when it is fatal (deaths ≥ 1:
  “生产安全死亡事故”, a confirmed revocation trigger of 应急〔2021〕83号,
  domain.md §4.3), or when its serious injuries reach
  settings.ACCIDENT_REVIEW_SERIOUS_INJURIES (default 3: the district-level
  demotion rule “≥ 3 serious injuries in the last year” of domain.md §3.5,
  [C2], not national; 0 turns it off), or its direct loss (10,000 yuan)
  reaches settings.ACCIDENT_REVIEW_DIRECT_LOSS (default None: off; §4.3
  mentions loss thresholds for the renewal fast path but no figure).
- **Finding (事故认定).** The enterprise's district or the city office records
  once whether the accident was a production-safety accident, with the
  reference of the finding (``accident_record_finding``). A certificate
  flagged for a fatal accident is kept only when every fatal accident of its
  validity was found not to be one (certification/lifecycle/rules.py
  certificate_keep); 应急〔2021〕83号 revokes for "生产安全死亡事故" (domain.md §4.3).
- **Accident-record gate.** certification.applications.services.check_qualifies scores
  an application with the larger of the deaths declared (in the
  application and its self-assessment) and the deaths recorded here in the
  last 12 months: accidents that occurred after the same day one year ago,
  up to today (``deaths_last_12_months``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Accident, AccidentFinding, Enterprise
from enterprises.signals import accident_flags_review
from portal import audit
from portal.errors import ServiceError
from portal.models import OrganisationKind as Kind

MAX_DESCRIPTION = 4000


def can_record(user, enterprise: Enterprise) -> bool:
    """Within the scope: the enterprise's district, the city office, the
    enterprise itself."""
    if not (user.is_authenticated and getattr(user, "can_act", False)):
        return False
    org = user.organisation
    if org.kind == Kind.CITY_OFFICE:
        return True
    if org.kind == Kind.DISTRICT:
        return org.region_id == enterprise.region_id
    if org.kind == Kind.ENTERPRISE:
        return enterprise.account_id == org.pk
    return False


def year_ago(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def deaths_last_12_months(enterprise, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    enterprise_id = getattr(enterprise, "pk", enterprise)
    total = Accident.objects.filter(
        enterprise_id=enterprise_id, occurred_on__gt=year_ago(today), occurred_on__lte=today
    ).aggregate(total=Sum("deaths"))["total"]
    return int(total or 0)


def flags_review(accident: Accident) -> str:
    """Why the accident calls for a revocation review ('' when it does not)."""
    if accident.deaths >= 1:
        return _("fatal accident on %(date)s (%(deaths)d death(s))") % {
            "date": accident.occurred_on.isoformat(),
            "deaths": accident.deaths,
        }
    injuries = getattr(settings, "ACCIDENT_REVIEW_SERIOUS_INJURIES", 3)
    if injuries and accident.serious_injuries >= injuries:
        return _("accident on %(date)s with %(n)d serious injuries") % {
            "date": accident.occurred_on.isoformat(),
            "n": accident.serious_injuries,
        }
    loss = getattr(settings, "ACCIDENT_REVIEW_DIRECT_LOSS", None)
    if loss is not None and accident.direct_loss >= Decimal(str(loss)):
        return _("accident on %(date)s with a direct loss of %(loss)s (10,000 yuan)") % {
            "date": accident.occurred_on.isoformat(),
            "loss": accident.direct_loss,
        }
    return ""


def _count(value, field: str, label: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ServiceError(
            _("Enter a whole number for %(field)s.") % {"field": label}, field=field
        ) from None
    if number < 0 or number > 32767:
        raise ServiceError(
            _("%(field)s must be between 0 and 32767.") % {"field": label}, field=field
        )
    return number


@transaction.atomic
def accident_record(
    *,
    actor,
    enterprise: Enterprise,
    occurred_on: datetime.date,
    deaths=0,
    serious_injuries=0,
    direct_loss=Decimal("0"),
    description: str = "",
) -> Accident:
    if not can_record(actor, enterprise):
        raise PermissionDenied(
            _("Only the enterprise, its district and the city office record accidents.")
        )
    if not isinstance(occurred_on, datetime.date):
        raise ServiceError(_("Enter the date of the accident."), field="occurred_on")
    if occurred_on > timezone.localdate():
        raise ServiceError(
            _("The date of the accident cannot be in the future."), field="occurred_on"
        )
    deaths = _count(deaths, "deaths", _("deaths"))
    serious_injuries = _count(serious_injuries, "serious_injuries", _("serious injuries"))
    try:
        loss = Decimal(str(direct_loss if direct_loss not in (None, "") else "0"))
    except InvalidOperation:
        raise ServiceError(_("Enter the direct loss as a number."), field="direct_loss") from None
    if not loss.is_finite() or loss < 0:
        raise ServiceError(_("The direct loss cannot be negative."), field="direct_loss")
    if loss >= Decimal("10000000000"):
        raise ServiceError(_("The direct loss is too large."), field="direct_loss")
    description = (description or "").strip()
    if not description:
        raise ServiceError(_("Describe what happened."), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(
            _("The description is too long: at most %(n)d characters.") % {"n": MAX_DESCRIPTION},
            field="description",
        )
    accident = Accident.objects.create(
        enterprise=enterprise,
        occurred_on=occurred_on,
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss=loss.quantize(Decimal("0.01")),
        description=description,
        recorded_by=actor,
    )
    reason = flags_review(accident)
    flagged: list[Any] = []  # certificates (certification answers the signal)
    if reason:
        # The certificate lifecycle flags the enterprise's live certificates.
        for _receiver, answer in accident_flags_review.send(
            sender=Accident, actor=actor, enterprise=enterprise, accident=accident, reason=reason
        ):
            flagged += answer or []
    audit.record(
        actor=actor,
        action="enterprise.accident.record",
        obj=enterprise,
        after={
            "accident": accident.pk,
            "occurred_on": occurred_on.isoformat(),
            "deaths": deaths,
            "serious_injuries": serious_injuries,
            "direct_loss": str(accident.direct_loss),
            "flagged": [c.number for c in flagged],
        },
    )
    return accident


def can_record_finding(user, enterprise: Enterprise) -> bool:
    """事故认定 is the government's: the enterprise's district and the city office."""
    if not (user.is_authenticated and getattr(user, "can_act", False)):
        return False
    org = user.organisation
    if org.kind == Kind.CITY_OFFICE:
        return True
    return bool(org.kind == Kind.DISTRICT and org.region_id == enterprise.region_id)


def pending_fatal(enterprise_id: int, since: datetime.date) -> list[Accident]:
    """Fatal accidents on or after ``since`` not found to be outside production
    safety: each still grounds a revocation."""
    return list(
        Accident.objects.filter(
            enterprise_id=enterprise_id, deaths__gte=1, occurred_on__gte=since
        ).exclude(finding=AccidentFinding.NOT_PRODUCTION_SAFETY)
    )


@transaction.atomic
def accident_record_finding(
    *, actor, accident: Accident, finding: str, reference: str, note: str = ""
) -> Accident:
    """Record the finding once; a second one is refused (the first stands)."""
    accident = (
        Accident.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=accident.pk)
    )
    if not can_record_finding(actor, accident.enterprise):
        raise PermissionDenied(_("Only the enterprise's district and the city office record it."))
    if accident.finding:
        raise ServiceError(
            _("The finding was recorded on %(date)s (%(finding)s); it stands.")
            % {
                "date": timezone.localtime(accident.finding_at).date().isoformat()
                if accident.finding_at
                else "—",
                "finding": accident.get_finding_display(),
            },
            field="finding",
        )
    if finding not in AccidentFinding.values:
        raise ServiceError(_("Choose the finding."), field="finding")
    reference = (reference or "").strip()
    if not reference:
        raise ServiceError(
            _("Enter the reference of the finding (document number)."), field="reference"
        )
    if len(reference) > 100:
        raise ServiceError(
            _("The reference is too long: at most 100 characters."), field="reference"
        )
    note = (note or "").strip()
    if len(note) > 2000:
        raise ServiceError(_("The explanation is too long: at most 2000 characters."), field="note")
    accident.finding = finding
    accident.finding_reference = reference
    accident.finding_note = note
    accident.finding_by = actor
    accident.finding_at = timezone.now()
    accident.save(
        update_fields=["finding", "finding_reference", "finding_note", "finding_by", "finding_at"]
    )
    audit.record(
        actor=actor,
        action="enterprise.accident.finding",
        obj=accident.enterprise,
        after={"accident": accident.pk, "finding": finding, "reference": reference},
    )
    return accident
