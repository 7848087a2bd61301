"""Writing self-reports (自查自报, 国家安全监管总局令第16号 第14条) and the districts'
reporting rules.

An enterprise's users start the form for an ended period (pre-filled from the
ledger: hazards/selfreports/figures.py) and fill it in; its principal (the
enterprise's administrator) signs and submits it. A submitted form never changes:
a correction is a new version, with its reason, that replaces it once submitted.
The receiver — the enterprise's street office, or the district government where
the street has none — acknowledges it (签收) or returns it with a reason.

Each write locks the row it changes, checks who acts, writes one audit row and
notifies after commit; a refusal raises (ServiceError for bad input,
HazardForbidden for the wrong organisation or role, HazardConflict when the report
has moved on) and writes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enterprises.models import Enterprise
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import PeriodKind, ReportingRule, SelfReport
from hazards.models.selfreports import COUNT_FIGURES, FIGURES
from hazards.selfreports import figures as ledger
from hazards.selfreports.periods import Period
from portal import audit
from portal.errors import ServiceError
from portal.models import Organisation, OrganisationKind, Region, User
from portal.notify import Message, message, notify_after_commit

TEXTS = {
    "adjustment_reason": 2000,
    "analysis": 4000,
    "next_measures": 4000,
    "filled_by": 50,
    "standardization_grade": 40,
}
# What the enterprise edits on a draft.
EDITABLE = (
    *FIGURES,
    "zero_report",
    *TEXTS,
    "self_assessment_score",
    "annual_self_assessment_done",
)
FILED = (SelfReport.Status.SUBMITTED, SelfReport.Status.ACKNOWLEDGED, SelfReport.Status.RETURNED)


# Who acts -----------------------------------------------------------------


def may_fill(actor: User, enterprise: Enterprise) -> bool:
    """The enterprise's own users fill the form in."""
    org = actor.organisation
    return bool(actor.can_act and org is not None and org.pk == enterprise.account_id)


def may_sign(actor: User, enterprise: Enterprise) -> bool:
    """Its principal — the administrator of the enterprise's account — signs it."""
    return may_fill(actor, enterprise) and actor.is_org_admin


def receiver_for(report: SelfReport) -> Organisation | None:
    """The street office of the report's street, or the district government."""
    if report.street_id:
        office = Organisation.objects.filter(
            kind=OrganisationKind.STREET,
            street_id=report.street_id,
            status=Organisation.Status.ACTIVE,
        ).first()
        if office is not None:
            return office
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.DISTRICT,
            region_id=report.region_id,
            status=Organisation.Status.ACTIVE,
        )
        .order_by("pk")
        .first()
    )


def is_receiver(actor: User, report: SelfReport) -> bool:
    return bool(
        actor.can_act and report.receiver_id and actor.organisation_id == report.receiver_id
    )


def monthly_required(region_id: str) -> bool:
    return ReportingRule.objects.filter(region_id=region_id, monthly=True).exists()


# Helpers -------------------------------------------------------------------


def period_of_report(report: SelfReport) -> Period:
    return Period(report.period_kind, report.year, report.period)


def _locked(report: SelfReport) -> SelfReport:
    return (
        SelfReport.objects.select_related("enterprise", "receiver")
        .select_for_update(of=("self",))  # the receiver is a nullable (outer) join
        .get(pk=report.pk)
    )


def _url(report: SelfReport) -> str:
    return reverse("hazards:selfreports:detail", args=[report.pk])


def period_message(period: Period) -> Message:
    """Period.label in a notification, translated when read."""
    if period.kind == PeriodKind.MONTH:
        return message(gettext_noop("%(year)s-%(month)02d"), year=period.year, month=period.number)
    if period.kind == PeriodKind.QUARTER:
        return message(
            gettext_noop("%(year)s Q%(quarter)s"), year=period.year, quarter=period.number
        )
    return message(gettext_noop("Year %(year)s"), year=period.year)


def _notify(organisation_ids: list[int | None], report: SelfReport, what: Message) -> None:
    text = message(
        gettext_noop("%(enterprise)s · self-report %(period)s: %(what)s"),
        enterprise=report.enterprise.name,
        period=period_message(period_of_report(report)),
        what=what,
    )
    notify_after_commit(organisation_ids, text, _url(report))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot(report: SelfReport, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(report, name)) for name in names}


def _label(name: str) -> str:
    return str(getattr(SelfReport._meta.get_field(name), "verbose_name", name))


# Starting ------------------------------------------------------------------


@transaction.atomic
def report_start(
    *, actor: User, enterprise: Enterprise, period: Period, today: datetime.date | None = None
) -> SelfReport:
    """A draft form for an ended period, pre-filled from the ledger. If the
    enterprise already has a draft for the period, that draft is returned."""
    today = today or timezone.localdate()
    if not may_fill(actor, enterprise):
        raise HazardForbidden(_("Only the enterprise's own users fill in its self-report."))
    if period.end >= today:
        raise ServiceError(
            _("%(period)s has not ended yet; its form can be filled in from %(date)s.")
            % {"period": period.label, "date": (period.end + datetime.timedelta(days=1))},
            field="period",
        )
    if period.kind == PeriodKind.MONTH and not monthly_required(enterprise.region_id):
        raise ServiceError(
            _("Your district does not require monthly self-reports."), field="period_kind"
        )
    # Lock the enterprise row: two users starting at once make one draft.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    current = SelfReport.objects.filter(
        enterprise=enterprise,
        period_kind=period.kind,
        year=period.year,
        period=period.number,
        is_current=True,
    ).first()
    if current is not None:
        if current.status == SelfReport.Status.DRAFT:
            return current
        raise HazardConflict(
            _("The form for %(period)s has been submitted; to change it, file a correction.")
            % {"period": period.label}
        )
    figures = ledger.ledger_figures(enterprise.pk, period)
    report = SelfReport(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        street_id=enterprise.street_id,
        industry_id=enterprise.industry_id,
        period_kind=period.kind,
        year=period.year,
        period=period.number,
        due_on=period.due_on(),
        created_by=actor,
        filled_by=(actor.get_full_name() or actor.username)[:50],
        prefilled={name: _plain(value) for name, value in figures.items()},
        **figures,
        **ledger.standardization_figures(enterprise, period),
    )
    report.save()
    audit.record(
        actor=actor,
        action="selfreport.start",
        obj=report,
        after={"period": period.key, "prefilled": report.prefilled},
    )
    return report


# Filling in ----------------------------------------------------------------


def _count(name: str, value: object) -> int:
    try:
        number = int(str(value).strip() or "0")
    except ValueError:
        raise ServiceError(
            _("%(field)s: give a whole number.") % {"field": _label(name).capitalize()},
            field=name,
        ) from None
    if not 0 <= number <= 2_000_000_000:
        raise ServiceError(
            _("%(field)s cannot be negative.") % {"field": _label(name).capitalize()}, field=name
        )
    return number


def _money(name: str, value: object, places: int = 2, high: int = 10**12) -> Decimal:
    try:
        amount = Decimal(str(value).strip() or "0")
    except InvalidOperation:
        raise ServiceError(
            _("%(field)s: give an amount.") % {"field": _label(name).capitalize()}, field=name
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= high:
        raise ServiceError(
            _("%(field)s must be between 0 and %(high)s.")
            % {"field": _label(name).capitalize(), "high": high},
            field=name,
        )
    return amount.quantize(Decimal(1).scaleb(-places))


def _apply(report: SelfReport, values: dict[str, Any]) -> list[str]:
    """Puts the submitted values on the report; returns the names that changed."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ServiceError(_("Unknown field “%(name)s”.") % {"name": unknown[0]}, field=unknown[0])
    changed = []
    for name, raw in values.items():
        value: Any
        if name in COUNT_FIGURES:
            value = _count(name, raw)
        elif name == "funds":
            value = _money(name, raw)
        elif name == "self_assessment_score":
            value = None if raw in (None, "") else _money(name, raw, 2, 1000)
        elif name in ("zero_report", "annual_self_assessment_done"):
            value = bool(raw)
        else:
            value = str(raw or "").strip()
            if len(value) > TEXTS[name]:
                raise ServiceError(
                    _("%(field)s: at most %(n)s characters.")
                    % {"field": _label(name).capitalize(), "n": TEXTS[name]},
                    field=name,
                )
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed.append(name)
    return changed


def adjusted(report: SelfReport) -> list[str]:
    """The figures that differ from the ledger's pre-filled values."""
    differing = []
    for name in FIGURES:
        if name not in report.prefilled:
            continue
        base: Any = report.prefilled[name]
        if name == "funds":
            base = Decimal(str(base))
        if getattr(report, name) != base:
            differing.append(name)
    return differing


def check(report: SelfReport) -> None:
    """The form's rules, each refusal naming the figure concerned."""
    differing = adjusted(report)
    if differing and not report.adjustment_reason.strip():
        raise ServiceError(
            _(
                "%(field)s differs from the ledger's figure (%(value)s): give the reason "
                "for the changed figures."
            )
            % {
                "field": _label(differing[0]).capitalize(),
                "value": report.prefilled[differing[0]],
            },
            field="adjustment_reason",
        )
    pairs = (
        ("general_rectified_on_time", "general_rectified"),
        ("general_overdue", "general_open"),
        ("major_overdue", "major_treating"),
        ("suspensions", "major_new"),
    )
    for small, large in pairs:
        if getattr(report, small) > getattr(report, large):
            raise ServiceError(
                _("%(small)s (%(a)s) cannot be more than %(large)s (%(b)s).")
                % {
                    "small": _label(small).capitalize(),
                    "a": getattr(report, small),
                    "large": _label(large),
                    "b": getattr(report, large),
                },
                field=small,
            )
    expected = report.major_carried_over + report.major_new - report.major_closed
    if report.major_treating != expected:
        raise ServiceError(
            _(
                "Major hazards in treatment (%(treating)s) must equal those carried over "
                "plus those found minus those closed (%(expected)s)."
            )
            % {"treating": report.major_treating, "expected": expected},
            field="major_treating",
        )
    if report.zero_report:
        nonzero = [name for name in FIGURES if getattr(report, name)]
        if nonzero:
            raise ServiceError(
                _("A zero report has every figure 0; %(field)s is %(value)s.")
                % {"field": _label(nonzero[0]), "value": getattr(report, nonzero[0])},
                field="zero_report",
            )


def _editable(actor: User, report: SelfReport) -> SelfReport:
    report = _locked(report)
    if not may_fill(actor, report.enterprise):
        raise HazardForbidden(_("Only the enterprise's own users fill in its self-report."))
    if report.status != SelfReport.Status.DRAFT:
        raise HazardConflict(
            _("A submitted self-report does not change; file a correction instead.")
        )
    return report


@transaction.atomic
def report_save(*, actor: User, report: SelfReport, values: dict[str, Any]) -> SelfReport:
    """Changes to a draft; figures that differ from the ledger's need the reason."""
    report = _editable(actor, report)
    before = _snapshot(report, EDITABLE)
    changed = _apply(report, values)
    check(report)
    if not changed:
        return report
    report.save(update_fields=changed)
    audit.record(
        actor=actor,
        action="selfreport.save",
        obj=report,
        before={name: before[name] for name in changed},
        after=_snapshot(report, changed),
    )
    return report


@transaction.atomic
def report_submit(*, actor: User, report: SelfReport) -> SelfReport:
    """The principal signs and submits; a correction replaces the version it corrects."""
    report = _locked(report)
    if not may_sign(actor, report.enterprise):
        raise HazardForbidden(
            _("Only the enterprise's principal (its administrator) signs and submits the form.")
        )
    if report.status != SelfReport.Status.DRAFT:
        raise HazardConflict(_("This form has already been submitted."))
    check(report)
    now = timezone.now()
    fields = ["status", "signed_by", "submitted_by", "submitted_at", "late", "receiver"]
    if report.supersedes_id:
        previous = SelfReport.objects.select_for_update().get(pk=report.supersedes_id)
        if not previous.is_current:
            raise HazardConflict(_("A newer version of this form has been submitted."))
        previous.is_current = False
        previous.save(update_fields=["is_current"])
        report.is_current = True
        fields.append("is_current")
        # The period was reported when the first version came in.
        report.late = previous.late
    else:
        report.late = timezone.localdate(now) > report.due_on
    report.status = SelfReport.Status.SUBMITTED
    report.signed_by = report.submitted_by = actor
    report.submitted_at = now
    report.receiver = receiver_for(report)
    report.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="selfreport.submit",
        obj=report,
        after={
            "version": report.version,
            "late": report.late,
            "receiver": report.receiver_id,
            "supersedes": report.supersedes_id,
        },
    )
    _notify([report.receiver_id], report, message(gettext_noop("submitted")))
    return report


@transaction.atomic
def report_correct(*, actor: User, report: SelfReport, reason: str) -> SelfReport:
    """A new draft version of a submitted form, with the reason for the correction;
    it replaces the submitted one when submitted. One correction at a time."""
    report = _locked(report)
    if not may_fill(actor, report.enterprise):
        raise HazardForbidden(_("Only the enterprise's own users correct its self-report."))
    if not report.is_current or report.status not in FILED:
        raise HazardConflict(_("Only the current submitted version can be corrected."))
    pending = SelfReport.objects.filter(supersedes=report).first()
    if pending is not None:
        return pending
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the correction."), field="reason")
    if len(reason) > 2000:
        raise ServiceError(_("The reason has at most 2000 characters."), field="reason")
    copy = SelfReport(
        enterprise=report.enterprise,
        region_id=report.region_id,
        street_id=report.street_id,
        industry_id=report.industry_id,
        period_kind=report.period_kind,
        year=report.year,
        period=report.period,
        due_on=report.due_on,
        version=report.version + 1,
        is_current=False,
        supersedes=report,
        correction_reason=reason,
        created_by=actor,
        prefilled=report.prefilled,
        **{name: getattr(report, name) for name in EDITABLE},
    )
    copy.save()
    audit.record(
        actor=actor,
        action="selfreport.correct",
        obj=copy,
        after={"version": copy.version, "supersedes": report.pk, "reason": reason},
    )
    return copy


# The receiver --------------------------------------------------------------


def _received(actor: User, report: SelfReport) -> SelfReport:
    report = _locked(report)
    if not is_receiver(actor, report):
        raise HazardForbidden(_("Only the office the form was sent to acknowledges or returns it."))
    if not report.is_current or report.status != SelfReport.Status.SUBMITTED:
        raise HazardConflict(
            _("This form is “%(status)s”; it is no longer awaiting acknowledgement.")
            % {"status": report.get_status_display()}
        )
    return report


@transaction.atomic
def report_acknowledge(*, actor: User, report: SelfReport) -> SelfReport:
    report = _received(actor, report)
    report.status = SelfReport.Status.ACKNOWLEDGED
    report.acknowledged_by, report.acknowledged_at = actor, timezone.now()
    report.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    audit.record(
        actor=actor,
        action="selfreport.acknowledge",
        obj=report,
        before={"status": SelfReport.Status.SUBMITTED},
        after={"status": report.status},
    )
    _notify([report.enterprise.account_id], report, message(gettext_noop("acknowledged")))
    return report


@transaction.atomic
def report_return(*, actor: User, report: SelfReport, reason: str) -> SelfReport:
    """Back to the enterprise with the reason; it then files a correction."""
    reason = (reason or "").strip()
    report = _received(actor, report)
    if not reason:
        raise ServiceError(_("Give the reason for returning the form."), field="reason")
    if len(reason) > 2000:
        raise ServiceError(_("The reason has at most 2000 characters."), field="reason")
    report.status = SelfReport.Status.RETURNED
    report.return_reason = reason
    report.acknowledged_by, report.acknowledged_at = actor, timezone.now()
    report.save(update_fields=["status", "return_reason", "acknowledged_by", "acknowledged_at"])
    audit.record(
        actor=actor,
        action="selfreport.return",
        obj=report,
        before={"status": SelfReport.Status.SUBMITTED},
        after={"status": report.status, "reason": reason},
    )
    _notify(
        [report.enterprise.account_id],
        report,
        message(gettext_noop("returned: %(reason)s"), reason=reason),
    )
    return report


# The district's rule -------------------------------------------------------


def may_set_rule(actor: User, region: Region) -> bool:
    org = actor.organisation
    return bool(
        actor.can_act
        and org is not None
        and org.kind == OrganisationKind.DISTRICT
        and org.region_id == region.pk
    )


@transaction.atomic
def rule_set(*, actor: User, region: Region, monthly: bool) -> ReportingRule:
    """Whether the district's enterprises file monthly forms besides the quarterly
    and annual ones (its own government only)."""
    if not may_set_rule(actor, region):
        raise HazardForbidden(_("Only the district's government sets its reporting rule."))
    rule = ReportingRule.objects.select_for_update().filter(region=region).first()
    before = rule.monthly if rule is not None else False
    if rule is None:
        rule = ReportingRule.objects.create(region=region, monthly=monthly, updated_by=actor)
    elif rule.monthly == monthly:
        return rule
    else:
        rule.monthly, rule.updated_by = monthly, actor
        rule.save(update_fields=["monthly", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="selfreport.rule",
        obj=rule,
        before={"monthly": before},
        after={"monthly": monthly},
    )
    return rule
