"""Self-report pages: the enterprise's forms (start, fill in, sign and submit,
correct), the receiver's acknowledgement or return, the receiver's inbox and the
district's reporting rule.

Thin views: parse → fetch through the user's scope (404 outside it) → call
hazards/selfreports/services.py (HazardForbidden → 403, HazardConflict → 409 with
the message, ServiceError → the form again with the message) → render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import PeriodKind, ReportingRule, SelfReport
from hazards.models.selfreports import COUNT_FIGURES, FIGURES
from hazards.selfreports import selectors, services
from hazards.selfreports.forms import PeriodForm, ReasonForm, ReportForm, RuleForm
from hazards.selfreports.periods import Period, last_ended, open_periods, period_of
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind as Kind
from portal.models import Region, User
from portal.paging import CappedPaginator

PER_PAGE = 50
# Who uses the self-report pages: the enterprises, and whoever oversees them.
KINDS: tuple[str, ...] = (Kind.ENTERPRISE, Kind.GROUP, Kind.STREET, Kind.DISTRICT)
KINDS += (Kind.REGULATOR, Kind.CITY_OFFICE)
OTHER_FIELDS: tuple[str, ...] = (
    "zero_report",
    "adjustment_reason",
    "analysis",
    "next_measures",
    "filled_by",
)
OTHER_FIELDS += ("standardization_grade", "self_assessment_score", "annual_self_assessment_done")
REPORT_RELATED = ("enterprise", "region", "street", "receiver", "signed_by", "acknowledged_by")


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def can_use(user: Any) -> bool:
    return permissions.acts_for(user, *KINDS)


def own_enterprise(user: User) -> Enterprise | None:
    org = user.organisation
    if org is None or org.kind != Kind.ENTERPRISE:
        return None
    return Enterprise.objects.filter(account_id=org.pk).first()


def get_report(request: HttpRequest, pk: int) -> SelfReport:
    permissions.require(can_use(request.user))
    return permissions.get_visible_or_404(
        SelfReport.objects.select_related(*REPORT_RELATED), request.user, pk=pk
    )


def kinds_for(enterprise: Enterprise) -> tuple[str, ...]:
    kinds: tuple[str, ...] = (PeriodKind.QUARTER, PeriodKind.YEAR)
    if services.monthly_required(enterprise.region_id):
        kinds += (PeriodKind.MONTH,)
    return kinds


# --- the list ---------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The forms in the user's scope; an enterprise also sees the periods to file."""
    permissions.require(can_use(request.user))
    user = _actor(request)
    qs: QuerySet[SelfReport] = SelfReport.objects.select_related("enterprise", "receiver")
    if request.GET.get("current", "1") == "1":
        qs = selectors.current_reports_visible_to(user, qs)
    else:
        qs = selectors.self_reports_visible_to(user, qs)
    kind = request.GET.get("period_kind", "")
    if kind in PeriodKind.values:
        qs = qs.filter(period_kind=kind)
    page = CappedPaginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    enterprise = own_enterprise(user)
    due: list[dict[str, Any]] = []
    if enterprise is not None:
        today = timezone.localdate()
        kinds = kinds_for(enterprise)
        # The forms still due, and the last ended period of each kind even when overdue.
        periods = sorted(
            set(open_periods(kinds, today)) | {last_ended(kind, today) for kind in kinds},
            key=lambda p: p.due_on(),
        )
        filed = {
            (r.period_kind, r.year, r.period): r
            for r in SelfReport.objects.filter(enterprise=enterprise, is_current=True)
            .filter(year__gte=min((p.year for p in periods), default=0))
            .only("pk", "period_kind", "year", "period", "status")
        }
        due = [
            {
                "period": p,
                "report": filed.get((p.kind, p.year, p.number)),
                "overdue": p.due_on() < today,
            }
            for p in periods
        ]
    params = request.GET.copy()
    params.pop("page", None)
    kind_of = user.organisation.kind if user.organisation is not None else ""
    return render(
        request,
        "hazards/selfreports/list.html",
        {
            "page": page,
            "params": params.urlencode(),
            "kinds": PeriodKind.choices,
            "kind": kind,
            "enterprise": enterprise,
            "due": due,
            "may_fill": enterprise is not None and services.may_fill(user, enterprise),
            "period_form": PeriodForm(initial={"period_kind": PeriodKind.QUARTER}),
            "is_district": kind_of == Kind.DISTRICT,
            "is_city": kind_of == Kind.CITY_OFFICE,
            "is_official": user.organisation is not None
            and user.organisation.kind
            in (Kind.STREET, Kind.DISTRICT, Kind.REGULATOR) + (Kind.CITY_OFFICE,),
        },
    )


@login_required
@require_POST
def report_start(request: HttpRequest) -> HttpResponse:
    permissions.require(can_use(request.user))
    user = _actor(request)
    enterprise = own_enterprise(user)
    permissions.require(enterprise is not None and services.may_fill(user, enterprise))
    assert enterprise is not None
    form = PeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(
                "; ".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items())
            )
        period = period_of(
            form.cleaned_data["period_kind"], form.cleaned_data["year"], form.cleaned_data["period"]
        )
        report = services.report_start(actor=user, enterprise=enterprise, period=period)
    except HazardForbidden:
        raise PermissionDenied from None
    except ServiceError as error:  # a conflict too: the message says what to do
        messages.error(request, str(error.message))
        return redirect("hazards:selfreports:index")
    return redirect("hazards:selfreports:edit", pk=report.pk)


# --- one form -----------------------------------------------------------------------


def _figure_rows(report: SelfReport) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": str(
                getattr(SelfReport._meta.get_field(name), "verbose_name", name)
            ).capitalize(),
            "value": getattr(report, name),
            "prefilled": report.prefilled.get(name),
            "changed": name in adjusted,
        }
        for adjusted in [services.adjusted(report)]
        for name in FIGURES
    ]


def _render_detail(
    request: HttpRequest, report: SelfReport, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = _actor(request)
    versions = (
        SelfReport.objects.filter(
            enterprise_id=report.enterprise_id,
            period_kind=report.period_kind,
            year=report.year,
            period=report.period,
        )
        .visible_to(user)
        .order_by("version")
        .only("pk", "version", "status", "is_current", "submitted_at")
    )
    receiving = services.is_receiver(user, report) and report.status == SelfReport.Status.SUBMITTED
    context = {
        "report": report,
        "period": services.period_of_report(report),
        "figures": _figure_rows(report),
        "versions": versions,
        "may_edit": report.status == SelfReport.Status.DRAFT
        and services.may_fill(user, report.enterprise),
        "may_submit": report.status == SelfReport.Status.DRAFT
        and services.may_sign(user, report.enterprise),
        "may_correct": report.is_current
        and report.status in services.FILED
        and services.may_fill(user, report.enterprise),
        "may_receive": receiving and report.is_current,
        "reason_form": ReasonForm(),
        "correct_form": ReasonForm(),
        "conflict": None,
        **extra,
    }
    return render(request, "hazards/selfreports/detail.html", context, status=status)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_report(request, pk))


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(request, pk)
    user = _actor(request)
    permissions.require(services.may_fill(user, report.enterprise))
    if report.status != SelfReport.Status.DRAFT:
        return _render_detail(
            request,
            report,
            status=409,
            conflict=_("A submitted self-report does not change; file a correction instead."),
        )
    form = ReportForm(request.POST or None, initial=ReportForm.initial_of(report))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused submission keeps nothing of the save
                services.report_save(actor=user, report=report, values=form.cleaned_data)
                if "submit" in request.POST:
                    services.report_submit(actor=user, report=report)
        except HazardForbidden as error:
            form.add_error(None, error.message)
        except HazardConflict as error:
            return _render_detail(
                request, get_report(request, pk), status=409, conflict=error.message
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if "submit" in request.POST:
                messages.success(request, _("Self-report submitted."))
            else:
                messages.success(request, _("Saved."))
            return redirect("hazards:selfreports:detail", pk=report.pk)
    return render(
        request,
        "hazards/selfreports/edit.html",
        {
            "report": report,
            "period": services.period_of_report(report),
            "form": form,
            "count_fields": [(form[name], report.prefilled.get(name)) for name in COUNT_FIGURES],
            "other_fields": [form[name] for name in OTHER_FIELDS],
            "prefilled": report.prefilled,
            "may_submit": services.may_sign(user, report.enterprise),
        },
        status=400 if form.errors else 200,
    )


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = get_report(request, pk)
    user = _actor(request)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        if action == "submit":
            services.report_submit(actor=user, report=report)
            done = _("Self-report submitted.")
        elif action == "correct":
            report = services.report_correct(actor=user, report=report, reason=reason)
            messages.success(request, _("A correction is open; change the figures and submit it."))
            return redirect("hazards:selfreports:edit", pk=report.pk)
        elif action == "acknowledge":
            services.report_acknowledge(actor=user, report=report)
            done = _("Acknowledged.")
        else:
            services.report_return(actor=user, report=report, reason=reason)
            done = _("Returned to the enterprise.")
    except HazardForbidden:
        raise PermissionDenied from None
    except HazardConflict as error:
        return _render_detail(request, get_report(request, pk), status=409, conflict=error.message)
    except ServiceError as error:
        form.add_error(None, error.message)
        extra = {"correct_form": form} if action == "correct" else {"reason_form": form}
        return _render_detail(request, get_report(request, pk), status=400, **extra)
    messages.success(request, done)
    return redirect("hazards:selfreports:detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "submit")


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "correct")


@login_required
@require_POST
def report_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "acknowledge")


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")


# --- the receiver's inbox, the district's rule ---------------------------------------


@login_required
def report_inbox(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.acts_for(request.user, Kind.STREET, Kind.DISTRICT))
    page = Paginator(selectors.inbox(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "hazards/selfreports/inbox.html", {"page": page, "params": ""})


@login_required
def reporting_rule(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.acts_for(request.user, Kind.DISTRICT))
    user = _actor(request)
    org = user.organisation
    assert org is not None and org.region_id
    region = Region.objects.get(pk=org.region_id)
    rule = ReportingRule.objects.filter(region=region).first()
    form = RuleForm(request.POST or None, initial={"monthly": bool(rule and rule.monthly)})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set(actor=user, region=region, monthly=form.cleaned_data["monthly"])
        except HazardForbidden:
            raise PermissionDenied from None
        messages.success(request, _("Reporting rule saved."))
        return redirect("hazards:selfreports:rule")
    example = Period(PeriodKind.MONTH, timezone.localdate().year, 1)
    return render(
        request,
        "hazards/selfreports/rule.html",
        {"form": form, "region": region, "rule": rule, "example_due": example.calendar_due()},
    )
