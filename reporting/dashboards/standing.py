"""Where an enterprise stands (the enterprise's dashboard; a group's, one row per
member): grade and certificate validity, the current application's step on the path
申请 → 受理 → 委派 → 现场评审 → 复核 → 公示 → 公告, the next thing to do and its
deadline, open hazards and the self-reports due. Six queries for any number of
members."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import Application, Certificate, Status
from certification.validity import LIVE, RENEWAL_WINDOW_MONTHS, add_months
from certification.workflow import APPLICANT, RESPONSIBLE, tier_label
from enterprises.models import Enterprise
from hazards.models import PeriodKind, ReportingRule, SelfReport
from hazards.registry_sync import open_hazards_visible_to
from hazards.selfreports.periods import last_ended, open_periods
from hazards.selfreports.selectors import FILED_STATUSES
from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.dashboards.common import Section

STEPS = (
    gettext_lazy("Application"),  # 申请
    gettext_lazy("Acceptance"),  # 受理
    gettext_lazy("Assignment"),  # 委派
    gettext_lazy("On-site review"),  # 现场评审
    gettext_lazy("Verification"),  # 复核
    gettext_lazy("Publicity"),  # 公示
    gettext_lazy("Announcement"),  # 公告
)
# The step each state of certification/workflow.py is at (the steps before it are
# done); an announced application has done them all. Level 1 is reviewed
# nationally: forwarded, it is at the review.
STEP_OF: dict[str, int] = {
    Status.DRAFT: 0,
    Status.RETURNED: 0,
    Status.SUBMITTED: 1,
    Status.ACCEPTED: 2,
    Status.NATIONAL: 3,
    Status.ASSIGNED: 3,
    Status.ON_SITE_REVIEW: 3,
    Status.RECTIFICATION: 3,
    Status.REPORTED: 4,
    Status.AWAITING_CONSENT: 4,
    Status.VERIFIED: 5,
    Status.APPROVED: 5,
    Status.PUBLICITY: 5,
    Status.ANNOUNCED: len(STEPS),
    Status.NATIONAL_DECIDED: len(STEPS),
}
# What the enterprise itself does in the states where it acts.
TODO: dict[str, Any] = {
    Status.DRAFT: gettext_lazy("Submit the application"),
    Status.RETURNED: gettext_lazy("Correct and resubmit the application"),
    Status.RECTIFICATION: gettext_lazy("Submit the rectification evidence"),
    Status.AWAITING_CONSENT: gettext_lazy("Consent to the lower grade reached, or withdraw"),
}
# Applications that are no longer in progress.
CLOSED = (Status.REJECTED, Status.WITHDRAWN, Status.ANNOUNCED, Status.NATIONAL_DECIDED)


def members(user: User) -> list[Enterprise]:
    org = user.organisation
    assert org is not None
    qs = Enterprise.objects.select_related("region", "street", "industry")
    if org.kind == Kind.GROUP:
        return list(qs.filter(group_id=org.pk).order_by("name", "pk"))
    return list(qs.filter(account_id=org.pk))


def stepper(status: str) -> list[dict[str, str]]:
    at = STEP_OF.get(status, 0)
    return [
        {"label": str(label), "state": "done" if i < at else "current" if i == at else "todo"}
        for i, label in enumerate(STEPS)
    ]


def standing(user: User, today: datetime.date | None = None) -> Section:
    today = today or timezone.localdate()
    enterprises = members(user)
    ids = [e.pk for e in enterprises]
    best: dict[int, Certificate] = {}
    for c in Certificate.objects.filter(
        enterprise_id__in=ids, status__in=LIVE, valid_until__gte=today
    ).order_by("tier", "-valid_until"):
        best.setdefault(c.enterprise_id, c)
    current: dict[int, Application] = {}
    for a in (
        Application.objects.filter(enterprise_id__in=ids)
        .exclude(status__in=CLOSED)
        .select_related("receiver")
        .order_by("-created_at", "-pk")
    ):
        current.setdefault(a.enterprise_id, a)
    hazards: dict[int, Any] = {
        row["enterprise_id"]: row
        for row in open_hazards_visible_to(user)
        .filter(enterprise_id__in=ids)
        .order_by()
        .values("enterprise_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
    }
    due = _self_reports_due(enterprises, today)
    group = len(enterprises) > 1 or bool(user.organisation and user.organisation.kind == Kind.GROUP)
    rows = [
        _row(e, best.get(e.pk), current.get(e.pk), hazards.get(e.pk), due[e.pk], today, group)
        for e in enterprises
    ]
    return {
        "kind": "standing",
        "id": "standing",
        "title": _("Where your enterprises stand") if group else _("Where your enterprise stands"),
        "steps": [str(s) for s in STEPS],
        "rows": rows,
    }


def _row(
    enterprise: Enterprise,
    certificate: Certificate | None,
    application: Application | None,
    hazards: dict[str, Any] | None,
    reports: list[dict[str, Any]],
    today: datetime.date,
    group: bool,
) -> dict[str, Any]:
    # A group's member: its hazards by the number's prefix (the USCC).
    narrow = {"q": enterprise.uscc} if group else {}
    hazard_list = reverse("hazards:list") + "?"
    return {
        "enterprise": {
            "id": enterprise.pk,
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "url": reverse("enterprises:detail", args=[enterprise.pk]),
        },
        "certificate": None
        if certificate is None
        else {
            "number": certificate.number,
            "grade": tier_label(certificate.tier),
            "valid_until": certificate.valid_until.isoformat(),
            "status": certificate.get_status_display(),
            "expiring": certificate.valid_until <= today + datetime.timedelta(days=90),
        },
        "application": None
        if application is None
        else {
            "id": application.pk,
            "grade": tier_label(application.tier),
            "status": application.get_status_display(),
            "url": reverse("certification:detail", args=[application.pk]),
            "steps": stepper(application.status),
        },
        "next": _next(certificate, application, today),
        "hazards": {
            "open": hazards["open"] if hazards else 0,
            "overdue": hazards["overdue"] if hazards else 0,
            "open_url": hazard_list + urlencode({"open": "1", **narrow}),
            "overdue_url": hazard_list + urlencode({"overdue": "1", **narrow}),
        },
        "self_reports": {
            "due": reports,
            "count": len(reports),
            "url": reverse("hazards:selfreports:index"),
        },
    }


def _next(
    certificate: Certificate | None, application: Application | None, today: datetime.date
) -> dict[str, Any]:
    if application is not None:
        due = application.due_on
        if RESPONSIBLE.get(application.status) == APPLICANT:
            text = str(TODO.get(application.status, application.get_status_display()))
        else:
            text = _("Waiting for %(who)s: %(state)s") % {
                "who": application.receiver.name
                if application.status in (Status.SUBMITTED, Status.ACCEPTED, Status.REPORTED)
                else _("the review"),
                "state": application.get_status_display(),
            }
        url = reverse("certification:detail", args=[application.pk])
    elif certificate is None:
        text, due, url = _("Apply for a grade"), None, reverse("certification:new")
    else:
        months = getattr(settings, "RENEWAL_WINDOW_MONTHS", RENEWAL_WINDOW_MONTHS)
        if certificate.valid_until > add_months(today, months):
            return {"text": _("Nothing due"), "due_on": None, "overdue": False, "url": ""}
        text, due = _("Apply to renew the certificate"), certificate.valid_until
        url = reverse("certification:new")
    return {
        "text": text,
        "due_on": due.isoformat() if due else None,
        "overdue": bool(due and due < today),
        "url": url,
    }


def _self_reports_due(
    enterprises: list[Enterprise], today: datetime.date
) -> dict[int, list[dict[str, Any]]]:
    """Per enterprise, the periods whose form is due now or overdue and not filed
    (as the self-reports page lists them)."""
    monthly = set(ReportingRule.objects.filter(monthly=True).values_list("region_id", flat=True))
    periods_of: dict[int, list[Any]] = {}
    for e in enterprises:
        kinds: tuple[str, ...] = (PeriodKind.QUARTER, PeriodKind.YEAR)
        if e.region_id in monthly:
            kinds += (PeriodKind.MONTH,)
        found = set(open_periods(kinds, today)) | {last_ended(k, today) for k in kinds}
        periods_of[e.pk] = sorted(found, key=lambda p: p.due_on())
    first_year = min((p.year for ps in periods_of.values() for p in ps), default=today.year)
    filed = set(
        SelfReport.objects.filter(
            enterprise_id__in=list(periods_of),
            is_current=True,
            status__in=FILED_STATUSES,
            year__gte=first_year,
        ).values_list("enterprise_id", "period_kind", "year", "period")
    )
    return {
        pk: [
            {
                "period": str(p.label),
                "due_on": p.due_on().isoformat(),
                "overdue": p.due_on() < today,
            }
            for p in periods
            if (pk, p.kind, p.year, p.number) not in filed
        ]
        for pk, periods in periods_of.items()
    }
