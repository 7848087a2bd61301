"""Every write of the assessment: runs, report versions and their files, comments,
manual scores, finalising, publishing, bulletins. Each records an audit event.

Versions: a run builds each unit's report data from the frozen snapshot; when the
data equals the unit's latest version nothing is written (re-runs are idempotent,
and a run interrupted mid-batch and run again writes each report once), otherwise a
new draft version is added and its files rendered. A final version is never
changed or replaced: a later run leaves the unit alone."""

from __future__ import annotations

import datetime
import hashlib
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import audit
from portal.models import Organisation, Region
from portal.models import OrganisationKind as OrgKind
from portal.notify import Message, message, notify_after_commit
from portal.workdays import add_working_days
from reporting.assessment import reports, schemes, selectors, workbook
from reporting.assessment.models import (
    AssessmentReport,
    Bulletin,
    ManualScore,
    ReportRun,
    Scheme,
)
from reporting.snapshots import periods

logger = logging.getLogger(__name__)
Status = AssessmentReport.Status


class AssessmentError(ValueError):
    pass


def title_message(report: AssessmentReport) -> Message:
    """The report's title in a notification: reports.shown_title, translated when
    read (the Chinese reads as reports.title_of)."""
    data = report.data
    if data["period"]["kind"] == periods.YEAR:
        msgid = gettext_noop("%(unit)s: annual work-safety standardization assessment, %(period)s")
    else:
        msgid = gettext_noop(
            "%(unit)s: quarterly work-safety standardization assessment, %(period)s"
        )
    return message(msgid, unit=data["unit"]["name"], period=data["period"]["code"])


# --- runs --------------------------------------------------------------------


def _enqueue(run_id: int) -> None:
    from reporting.assessment.tasks import run_reports_task

    transaction.on_commit(lambda: run_reports_task.delay(run_id))


def start_run(
    *, actor: Any, level: str, region: Region | None, period_kind: str, period_code: str
) -> ReportRun:
    """Queue the reports of a level for a period (the city's, or one district's
    streets); the run already queued or running for the same reports is returned.
    ``actor`` None: Celery beat."""
    if actor is not None and not selectors.may_run(actor, level, region):
        raise PermissionDenied
    if level not in Scheme.Level.values:
        raise AssessmentError(_("Unknown level."))
    if level == Scheme.Level.DISTRICT and region is None:
        raise AssessmentError(_("A district-level assessment needs its district."))
    if level == Scheme.Level.CITY:
        region = None
    try:
        period = reports.check_period(period_kind, period_code, timezone.localdate())
    except reports.ReportError as error:
        raise AssessmentError(str(error)) from None
    if schemes.scheme_for(period.start.year, level, region) is None:
        raise AssessmentError(
            _("There is no assessment scheme for %(year)d at this level.")
            % {"year": period.start.year}
        )
    with transaction.atomic():
        pending = (
            ReportRun.objects.select_for_update()
            .filter(
                level=level,
                region=region,
                period_kind=period.kind,
                period_code=period.code,
                status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING],
            )
            .first()
        )
        if pending is not None:
            return pending
        run = ReportRun.objects.create(
            level=level,
            region=region,
            period_kind=period.kind,
            period_code=period.code,
            requested_by=actor,
            queued_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="assessment.run_started",
            obj=run,
            after={"level": level, "region": getattr(region, "pk", None), "period": period.code},
        )
        _enqueue(run.pk)
    return run


MAX_ATTEMPTS = 3


def requeue_stalled_runs() -> int:
    """Queue again the runs still pending RENDER_STALLED_AFTER_SECONDS after their
    message was sent (a worker killed mid-batch loses it on the filesystem broker);
    a run that started MAX_ATTEMPTS times fails with a message."""
    from certification.models.publicity import stalled_before

    pending = ReportRun.objects.filter(
        status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING],
        queued_at__lt=stalled_before(),
    )
    pending.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportRun.Status.FAILED,
        error=_("The reports stopped %(count)d times; start them again.") % {"count": MAX_ATTEMPTS},
        finished_at=timezone.now(),
    )
    again = list(pending.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    for run_id in again:
        ReportRun.objects.filter(pk=run_id).update(queued_at=timezone.now())
        _enqueue(run_id)
    return len(again)


def _claim(run_id: int) -> bool:
    return bool(
        ReportRun.objects.filter(
            pk=run_id, status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING]
        ).update(status=ReportRun.Status.RUNNING, attempts=F("attempts") + 1)
    )


def latest_versions(
    kind_keys: list[tuple[str, str]], period: periods.Period
) -> dict[tuple[str, str], AssessmentReport]:
    found: dict[tuple[str, str], AssessmentReport] = {}
    for report in AssessmentReport.objects.filter(
        period_kind=period.kind,
        period_code=period.code,
        unit_kind__in={kind for kind, _key in kind_keys},
        unit_key__in=[key for _kind, key in kind_keys],
    ).order_by("unit_kind", "unit_key", "-version"):
        found.setdefault((report.unit_kind, report.unit_key), report)
    return found


def run_reports(run_id: int) -> bool:
    """Build and render every report of the run, then its bulletin; progress in
    ``done``/``total``. Safe to call again after an interruption."""
    if not _claim(run_id):
        return False
    run = ReportRun.objects.select_related("region").get(pk=run_id)
    period = periods.parse(run.period_kind, run.period_code)
    scheme = schemes.scheme_for(period.start.year, run.level, run.region)
    if scheme is None:
        _finish(run, ReportRun.Status.FAILED, _("There is no assessment scheme for this year."))
        return False
    chosen = reports.units(run.level, run.region)
    kind_keys = [(u.kind, u.key) for u in chosen]
    latest = latest_versions(kind_keys, period)
    before = latest_versions(kind_keys, period.previous())
    manual: dict[tuple[str, str], dict[str, Decimal]] = {}
    for key, report in latest.items():
        manual[key] = {
            m.indicator.code: m.score for m in report.manual_scores.select_related("indicator")
        }
    previous_ranks = {key: r.rank for key, r in before.items() if r.rank is not None}
    try:
        built = reports.build_level(scheme, chosen, period, manual, previous_ranks)
    except reports.ReportError as error:
        _finish(run, ReportRun.Status.FAILED, str(error))
        return False
    ReportRun.objects.filter(pk=run.pk).update(total=len(built), done=0)
    done = 0
    for unit in chosen:
        data = built.get((unit.kind, unit.key))
        if data is None:
            continue
        report = ensure_version(scheme, unit, data, latest.get((unit.kind, unit.key)))
        render(report)
        done += 1
        ReportRun.objects.filter(pk=run.pk).update(done=done)
    make_bulletin(run, built)
    _finish(run, ReportRun.Status.DONE, "")
    return True


def _finish(run: ReportRun, status: str, error: str) -> None:
    ReportRun.objects.filter(pk=run.pk).update(
        status=status, error=error[:2000], finished_at=timezone.now()
    )


def unit_organisations(report: AssessmentReport | reports.AssessedUnit) -> list[int]:
    kind, key = (
        (report.unit_kind, report.unit_key)
        if isinstance(report, AssessmentReport)
        else (report.kind, report.key)
    )
    found = Organisation.objects.filter(status=Organisation.Status.ACTIVE)
    if kind == AssessmentReport.UnitKind.DISTRICT:
        found = found.filter(kind=OrgKind.DISTRICT, region_id=key)
    elif kind == AssessmentReport.UnitKind.STREET:
        found = found.filter(kind=OrgKind.STREET, street__code=key)
    else:
        found = found.filter(kind=OrgKind.REGULATOR, pk=int(key))
    return list(found.values_list("pk", flat=True))


def assessing_organisations(report: AssessmentReport) -> list[int]:
    found = Organisation.objects.filter(status=Organisation.Status.ACTIVE)
    if report.scheme.level == Scheme.Level.CITY:
        found = found.filter(kind=OrgKind.CITY_OFFICE)
    else:
        found = found.filter(kind=OrgKind.DISTRICT, region_id=report.region_id)
    return list(found.values_list("pk", flat=True))


def ensure_version(
    scheme: Scheme,
    unit: reports.AssessedUnit,
    data: dict[str, Any],
    latest: AssessmentReport | None,
) -> AssessmentReport:
    """The unit's report holding ``data``: the latest version when it holds the same
    (or is final), else a new draft version carrying the manual scores and comment."""
    digest = reports.content_hash(data)
    if latest is not None and (latest.is_final or latest.content_hash == digest):
        return latest
    period = data["period"]
    due = add_working_days(timezone.localdate(), settings.ASSESSMENT_COMMENT_WORKING_DAYS)
    try:
        with transaction.atomic():
            report = AssessmentReport.objects.create(
                scheme=scheme,
                unit_kind=unit.kind,
                unit_key=unit.key,
                unit_name=unit.name,
                region_id=unit.region_id,
                period_kind=period["kind"],
                period_code=period["code"],
                version=(latest.version + 1) if latest else 1,
                data=data,
                content_hash=digest,
                total=Decimal(data["total"]),
                rank=data["rank"],
                rank_change=next(
                    (r["change"] for r in data["ranking"] if r["key"] == unit.key), None
                ),
                comment=latest.comment if latest else "",
                objects_to_scores=latest.objects_to_scores if latest else False,
                commented_at=latest.commented_at if latest else None,
                commented_by=latest.commented_by if latest else None,
                comment_due=due,
            )
            if latest is not None:
                copy_manual(latest, report)
            audit.record(
                actor=None,
                action="assessment.report_drafted",
                obj=report,
                after={"unit": unit.key, "period": period["code"], "version": report.version},
            )
            notify_after_commit(
                unit_organisations(unit),
                message(
                    gettext_noop(
                        "The draft assessment report %(title)s is ready: comment or object "
                        "by %(date)s."
                    ),
                    title=title_message(report),
                    date=due.isoformat(),
                ),
                reverse("assessment:report", args=[report.pk]),
            )
    except IntegrityError:  # another worker wrote this version meanwhile
        return AssessmentReport.objects.get(
            unit_kind=unit.kind,
            unit_key=unit.key,
            period_kind=period["kind"],
            period_code=period["code"],
            version=(latest.version + 1) if latest else 1,
        )
    return report


def copy_manual(source: AssessmentReport, target: AssessmentReport) -> None:
    ManualScore.objects.bulk_create(
        ManualScore(
            report=target,
            indicator_id=m.indicator_id,
            score=m.score,
            note=m.note,
            evidence=m.evidence.name,
            entered_by_id=m.entered_by_id,
        )
        for m in source.manual_scores.all()
    )


def render(report: AssessmentReport) -> bool:
    """Write the PDF and the xlsx of a version once (a rendered version is left alone)."""
    if report.pdf and report.xlsx:
        return False
    pdf_data = reports.render_pdf(report)
    xlsx_data = workbook.render_xlsx(report)
    stem = f"{report.unit_kind}-{report.unit_key}-{report.period_code}-v{report.version}"
    report.pdf.save(f"{stem}.pdf", ContentFile(pdf_data), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx_data), save=False)
    AssessmentReport.objects.filter(pk=report.pk).update(
        pdf=report.pdf.name, xlsx=report.xlsx.name, rendered_at=timezone.now()
    )
    return True


def render_report(report_id: int) -> bool:
    return render(AssessmentReport.objects.select_related("scheme").get(pk=report_id))


# --- bulletins -------------------------------------------------------------------


def make_bulletin(run: ReportRun, built: dict[tuple[str, str], dict[str, Any]]) -> Bulletin | None:
    """The ranking bulletin (通报) of the run's level and period, once per content."""
    from certification.certificates import pdf

    rankings: dict[str, list[dict[str, Any]]] = {}
    for (kind, _key), data in built.items():
        rankings.setdefault(kind, data["ranking"])
    if not rankings:
        return None
    period = periods.parse(run.period_kind, run.period_code)
    context = {
        "title": (
            f"{period.code}各区及行业部门安全生产标准化工作考核情况通报"
            if run.level == Scheme.Level.CITY
            else f"{run.region.name if run.region else ''}{period.code}各街道（乡镇）及行业部门安全生产标准化工作考核情况通报"
        ),
        "tables": [
            {
                "heading": reports.BULLETIN_HEADINGS[kind],
                "rows": rows,
                "chart": reports.svg.bar_chart(
                    [(r["name"], float(r["total"])) for r in rows], maximum=100
                ),
            }
            for kind, rows in sorted(rankings.items())
        ],
        "period": period,
    }
    html = render_to_string("pdf/assessment/bulletin.html", context)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    existing = Bulletin.objects.filter(
        level=run.level,
        region=run.region,
        period_kind=run.period_kind,
        period_code=run.period_code,
        content_hash=digest,
    ).first()
    if existing is not None and existing.pdf:
        return existing
    bulletin = existing or Bulletin.objects.create(
        level=run.level,
        region=run.region,
        period_kind=run.period_kind,
        period_code=run.period_code,
        content_hash=digest,
    )
    bulletin.pdf.save(
        f"bulletin-{run.level}-{run.region_id or 'city'}-{run.period_code}-{bulletin.pk}.pdf",
        ContentFile(pdf.html_to_pdf(html, css=("report.css",))),
        save=True,
    )
    return bulletin


# --- Celery beat ----------------------------------------------------------------


def start_after_close(today: datetime.date | None = None) -> list[ReportRun]:
    """The runs of the last closed quarter and year, once each, as soon as the
    nightly snapshot has frozen them (a missed night is caught up the next)."""
    from reporting.models import MetricSnapshot

    today = today or timezone.localdate()
    started: list[ReportRun] = []
    for kind in reports.PERIOD_KINDS:
        period = periods.period_of(kind, today).previous()
        frozen = MetricSnapshot.objects.filter(
            scope_kind=MetricSnapshot.ScopeKind.CITY,
            period_kind=kind,
            period_code=period.code,
            dimension="",
            frozen_at__isnull=False,
        ).exists()
        if not frozen:
            continue
        targets: list[Region | None] = [
            None,
            *Region.objects.filter(streets__isnull=False).distinct(),
        ]
        for region in targets:
            level = Scheme.Level.CITY if region is None else Scheme.Level.DISTRICT
            if ReportRun.objects.filter(
                level=level, region=region, period_kind=kind, period_code=period.code
            ).exists():
                continue
            if schemes.scheme_for(period.start.year, level, region) is None:
                continue
            if (
                region is not None
                and not MetricSnapshot.objects.filter(
                    scope_kind=MetricSnapshot.ScopeKind.STREET,
                    scope_key__in=region.streets.values("code"),
                    period_kind=kind,
                    period_code=period.code,
                    dimension="",
                    frozen_at__isnull=False,
                ).exists()
            ):
                continue
            try:
                started.append(
                    start_run(
                        actor=None,
                        level=level,
                        region=region,
                        period_kind=kind,
                        period_code=period.code,
                    )
                )
            except AssessmentError as error:
                logger.warning("Assessment run of %s not started: %s", period.code, error)
    return started
