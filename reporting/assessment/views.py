"""Assessment pages: reports of one's scope with the runs and their progress, a
report with its scores, comment, manual scores, finalising and publishing, the
downloads, the ranking, the bulletins, the schemes, and the published summaries.

Bad input gets a message and changes nothing; a report outside one's scope is 404;
roles without assessment pages get 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import permissions
from portal.files import ALLOWED_TYPES, stored_file_response
from portal.models import OrganisationKind as OrgKind
from portal.models import Region
from reporting.assessment import flow, reports, schemes, selectors, services
from reporting.assessment.models import (
    AssessmentReport,
    Indicator,
    ManualScore,
    ReportRun,
    Scheme,
)
from reporting.snapshots import periods

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(request: HttpRequest) -> Any:
    permissions.require(selectors.may_read(request.user))
    return request.user


def _report(request: HttpRequest, pk: int) -> AssessmentReport:
    user = _reader(request)
    return get_object_or_404(
        selectors.reports_visible_to(user).select_related("scheme", "region"), pk=pk
    )


def _last_closed(kind: str) -> periods.Period:
    return periods.period_of(kind, timezone.localdate()).previous()


def _period_choices() -> list[tuple[str, str]]:
    today = timezone.localdate()
    quarters = periods.last(periods.QUARTER, 5, today)[:-1]
    years = periods.last(periods.YEAR, 3, today)[:-1]
    return [(f"quarter:{p.code}", p.code) for p in reversed(quarters)] + [
        (f"year:{p.code}", p.code) for p in reversed(years)
    ]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    period_code = request.GET.get("period", "").strip()[:10]
    found = selectors.reports_visible_to(user)
    if period_code:
        found = found.filter(period_code=period_code)
    # The newest version of each unit and period, at most 200 rows.
    rows = list(
        found.order_by("-period_code", "unit_kind", "unit_key", "-version").only(
            "pk",
            "unit_kind",
            "unit_key",
            "unit_name",
            "period_kind",
            "period_code",
            "version",
            "status",
            "total",
            "rank",
            "rank_change",
            "comment_due",
            "commented_at",
            "published_at",
            "pdf",
            "xlsx",
        )[:600]
    )
    seen: set[tuple[str, str, str]] = set()
    newest = []
    for report in rows:
        key = (report.unit_kind, report.unit_key, report.period_code)
        if key not in seen:
            seen.add(key)
            newest.append(report)
    org = user.organisation
    return render(
        request,
        "reporting/assessment/index.html",
        {
            "reports": newest[:200],
            "runs": selectors.runs_visible_to(user).select_related("region")[:10],
            "bulletins": selectors.bulletins_visible_to(user).select_related("region")[:10],
            "may_run": selectors.may_assess(user),
            "is_city": org.kind == OrgKind.CITY_OFFICE,
            "period_choices": _period_choices(),
            "period": period_code,
        },
    )


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    permissions.require(selectors.may_assess(user))
    org = user.organisation
    kind, _colon, code = request.POST.get("period", "").partition(":")
    level = request.POST.get("level", Scheme.Level.CITY)
    region = None
    if org.kind == OrgKind.DISTRICT:
        level, region = Scheme.Level.DISTRICT, org.region
    elif level == Scheme.Level.DISTRICT:
        region = Region.objects.filter(pk=request.POST.get("region", "")).first()
    try:
        started = services.start_run(
            actor=user, level=level, region=region, period_kind=kind, period_code=code
        )
    except services.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessment:index")
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The reports are being generated."))
    return redirect("assessment:run_detail", pk=started.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    found = get_object_or_404(selectors.runs_visible_to(user).select_related("region"), pk=pk)
    template = (
        "reporting/assessment/_run_progress.html"
        if request.headers.get("HX-Request")
        else "reporting/assessment/run.html"
    )
    return render(
        request, template, {"run": found, "pending": found.status in ("queued", "running")}
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    user = request.user
    latest = selectors.latest_of(report)
    is_latest_draft = latest.pk == report.pk and not report.is_final
    assessing = selectors.is_assessing_office(user, report)
    today = timezone.localdate()
    manual_indicators = list(
        Indicator.objects.filter(scheme=report.scheme, kind=Indicator.Kind.MANUAL)
    )
    return render(
        request,
        "reporting/assessment/report.html",
        {
            "report": report,
            "latest": latest,
            "title": reports.shown_title(report),
            "sections": schemes.SECTIONS,
            "scores": report.data.get("scores", []),
            "manual_scores": report.manual_scores.select_related("indicator"),
            "manual_indicators": manual_indicators,
            "may_comment": is_latest_draft
            and selectors.is_assessed_unit(user, report)
            and not (report.comment_due and today > report.comment_due),
            "may_score": is_latest_draft and assessing,
            "may_finalise": is_latest_draft and assessing,
            "may_publish": report.is_final and assessing and not report.published_at,
            "versions": AssessmentReport.objects.filter(
                unit_kind=report.unit_kind,
                unit_key=report.unit_key,
                period_kind=report.period_kind,
                period_code=report.period_code,
            ).only("pk", "version", "status", "created_at"),
        },
    )


def _download(report: AssessmentReport, field: str, content_type: str) -> FileResponse:
    stored = getattr(report, field)
    if not stored:
        raise Http404
    name = f"{reports.title_of(report)}-v{report.version}.{field}"
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


@login_required
@require_GET
def report_evidence(request: HttpRequest, pk: int, score_id: int) -> FileResponse:
    """The evidence file of a manual score, for whoever reads the report."""
    report = _report(request, pk)
    score = get_object_or_404(ManualScore.objects.exclude(evidence=""), pk=score_id, report=report)
    name = str(score.evidence.name).rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower()
    return stored_file_response(
        score.evidence, filename=name, content_type=ALLOWED_TYPES.get(extension, "")
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _download(_report(request, pk), "pdf", "application/pdf")


@login_required
@require_GET
def report_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    return _download(_report(request, pk), "xlsx", XLSX)


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    report = _report(request, pk)
    try:
        result = action(report)
    except services.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessment:report", pk=report.pk)
    messages.success(request, done)
    if isinstance(result, AssessmentReport):
        return redirect("assessment:report", pk=result.pk)
    if isinstance(result, ReportRun):
        return redirect("assessment:run_detail", pk=result.pk)
    return redirect("assessment:report", pk=report.pk)


@login_required
@require_POST
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda report: flow.comment(
            actor=request.user,
            report=report,
            text=request.POST.get("comment", ""),
            objection=request.POST.get("objection") == "1",
        ),
        _("Your comment was sent to the assessing office."),
    )


@login_required
@require_POST
def report_manual(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda report: flow.enter_manual_score(
            actor=request.user,
            report=report,
            code=request.POST.get("indicator", ""),
            score=request.POST.get("score", ""),
            note=request.POST.get("note", ""),
            evidence=request.FILES.get("evidence"),
        ),
        _("Score saved: the reports are generated again."),
    )


@login_required
@require_POST
def report_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda report: flow.finalise(actor=request.user, report=report),
        _("The report is final."),
    )


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda report: flow.publish(actor=request.user, report=report),
        _("The summary is published."),
    )


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """The latest version's rank of each unit of the reader's level for a period."""
    user = _reader(request)
    permissions.require(selectors.may_assess(user))
    code = request.GET.get("period", "").strip()[:10]
    found = selectors.reports_visible_to(user)
    if user.organisation.kind == OrgKind.DISTRICT:
        # The units it assesses, not its own report (ranked among the districts).
        found = found.exclude(unit_kind=AssessmentReport.UnitKind.DISTRICT)
    if not code:
        code = found.order_by("-period_code").values_list("period_code", flat=True).first() or ""
    newest: dict[tuple[str, str], AssessmentReport] = {}
    for report in found.filter(period_code=code).order_by("unit_kind", "unit_key", "-version"):
        newest.setdefault((report.unit_kind, report.unit_key), report)
    rows = sorted(newest.values(), key=lambda r: (r.unit_kind, r.rank or 0, r.unit_key))
    groups: dict[str, list[AssessmentReport]] = {}
    for row in rows:
        groups.setdefault(row.get_unit_kind_display(), []).append(row)
    return render(
        request,
        "reporting/assessment/ranking.html",
        {"groups": list(groups.items()), "period": code},
    )


@login_required
@require_GET
def bulletin_pdf(request: HttpRequest, pk: int) -> FileResponse:
    user = _reader(request)
    bulletin = get_object_or_404(selectors.bulletins_visible_to(user), pk=pk)
    if not bulletin.pdf:
        raise Http404
    return FileResponse(
        bulletin.pdf.open("rb"),
        as_attachment=True,
        filename=f"通报-{bulletin.period_code}.pdf",
        content_type="application/pdf",
    )


def _schemes_of(user: Any):
    found = Scheme.objects.select_related("region")
    if user.organisation.kind == OrgKind.DISTRICT:
        return found.filter(level=Scheme.Level.DISTRICT).filter(region__isnull=True) | found.filter(
            region_id=user.organisation.region_id
        )
    return found


@login_required
@require_http_methods(["GET", "POST"])
def scheme_list(request: HttpRequest) -> HttpResponse:
    """The schemes, and the form to add one from a JSON definition."""
    user = _reader(request)
    permissions.require(selectors.may_assess(user))
    org = user.organisation
    problems: list[str] = []
    default = schemes.default_definition(
        Scheme.Level.DISTRICT if org.kind == OrgKind.DISTRICT else Scheme.Level.CITY
    )
    import json

    text = request.POST.get("definition") or json.dumps(default, ensure_ascii=False, indent=1)
    status = 200
    if request.method == "POST":
        level = (
            Scheme.Level.DISTRICT if org.kind == OrgKind.DISTRICT else request.POST.get("level", "")
        )
        region = org.region if org.kind == OrgKind.DISTRICT else None
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            year = 0
        try:
            created = schemes.create_scheme(
                actor=user, year=year, level=level, region=region, definition=schemes.parse(text)
            )
        except schemes.SchemeError as error:
            problems, status = error.problems, 400
        else:
            messages.success(request, _("Scheme saved."))
            return redirect("assessment:scheme", pk=created.pk)
    return render(
        request,
        "reporting/assessment/schemes.html",
        {
            "schemes": _schemes_of(user).order_by("-year", "level"),
            "problems": problems,
            "definition": text,
            "is_city": org.kind == OrgKind.CITY_OFFICE,
            "year": request.POST.get("year", timezone.localdate().year),
        },
        status=status,
    )


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    permissions.require(selectors.may_assess(user))
    scheme = get_object_or_404(_schemes_of(user), pk=pk)
    return render(
        request,
        "reporting/assessment/scheme.html",
        {
            "scheme": scheme,
            "indicators": scheme.indicators.all(),
            "sections": schemes.SECTIONS,
        },
    )


@require_GET
def public_summaries(request: HttpRequest) -> HttpResponse:
    """The published summaries of final reports (no login)."""
    found = (
        AssessmentReport.objects.filter(
            status=AssessmentReport.Status.FINAL, published_at__isnull=False
        )
        .only("unit_name", "unit_kind", "period_code", "total", "rank", "published_at")
        .order_by("-period_code", "unit_kind", "rank")[:300]
    )
    return render(request, "reporting/assessment/public.html", {"reports": found})
