"""The certificates' daily run (Celery beat "certificate-lifecycle"): annual
self-assessments fulfilled, overdue recorded, expiry, reminders and renewal
notices. Each step claims its rows with a conditional UPDATE (or a one-off
Counter row), so a second run the same day does nothing."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from certification.lifecycle.rules import Action
from certification.models import (
    AnnualSelfAssessment,
    Application,
    Certificate,
    CertificateEvent,
    Counter,
)
from certification.validity import (
    ANNUAL_REMIND_DAYS,
    LIVE,
    RENEWAL_WINDOW_MONTHS,
    add_months,
    annual_opens_on,
    renewal_opens_on,
)
from portal import audit
from portal.notify import Message, label, message, notify, notify_after_commit


def _notify_enterprise(certificate: Certificate, text: Message, url: str = "") -> None:
    notify(
        [certificate.enterprise.account_id],
        text,
        url or reverse("certification:lifecycle_certificate", args=[certificate.pk]),
    )


def _annual_open() -> QuerySet:
    return AnnualSelfAssessment.objects.filter(
        submitted_at__isnull=True, certificate__status__in=LIVE
    )


def _opens_on(row: AnnualSelfAssessment) -> datetime.date:
    """A year opens on the previous anniversary; the extra self-assessment
    after a fatal accident on the day of the accident."""
    if row.kind == AnnualSelfAssessment.Kind.ACCIDENT and row.accident is not None:
        return row.accident.occurred_on
    return annual_opens_on(row.certificate, row.year)


def fulfil_annual(today: datetime.date) -> int:
    """Link submitted self-assessments to the open years they fulfil: only
    self-assessments against the certificate's own standard count. Each one
    is delivered to the grading authority (told after commit)."""
    from reviews.models import Assessment

    rows = list(
        _annual_open()
        .filter(certificate__valid_from__lte=today)
        .select_related(
            "certificate__application__assessment__version",
            "certificate__enterprise",
            "certificate__announcement",
            "accident",
        )
        .order_by("certificate_id", "due_on", "year")
    )
    by_certificate: dict[int, list[AnnualSelfAssessment]] = {}
    for row in rows:
        if _opens_on(row) <= today:
            by_certificate.setdefault(row.certificate_id, []).append(row)
    done = 0
    for open_rows in by_certificate.values():
        certificate = open_rows[0].certificate
        used = set(
            AnnualSelfAssessment.objects.filter(
                certificate__enterprise_id=certificate.enterprise_id, assessment__isnull=False
            ).values_list("assessment_id", flat=True)
        )
        used.add(certificate.application.assessment_id)
        candidates = [
            a
            for a in Assessment.objects.filter(
                enterprise_id=certificate.enterprise_id,
                # domain.md §4.1: the enterprise assesses "本单位安全生产标准化情况"
                # against the standard its grade was earned on.
                version__standard_id=certificate.application.assessment.version.standard_id,
                kind=Assessment.Kind.SELF,
                status=Assessment.Status.SUBMITTED,
                submitted_at__isnull=False,
            ).order_by("submitted_at", "pk")
            if a.pk not in used
        ]
        for row in open_rows:
            opens = _opens_on(row)
            match = next(
                (a for a in candidates if timezone.localdate(a.submitted_at) >= opens), None
            )
            if match is None:
                continue
            with transaction.atomic():
                claimed = AnnualSelfAssessment.objects.filter(
                    pk=row.pk, submitted_at__isnull=True
                ).update(assessment=match, submitted_at=match.submitted_at)
                if claimed:
                    _deliver(certificate, row, match)
            if claimed:
                candidates.remove(match)
                done += 1
    return done


def _deliver(certificate: Certificate, row: AnnualSelfAssessment, assessment) -> None:
    """The self-assessment reaches the grading authority, which acknowledges it
    on the certificate's page (certification/lifecycle/annual.py)."""
    from certification.lifecycle.annual import grading_authority_id

    audit.record(
        actor=None,
        action="certificate.annual.delivered",
        obj=certificate,
        after={"year": row.year, "kind": row.kind, "assessment": assessment.pk},
    )
    notify_after_commit(
        [grading_authority_id(certificate)],
        message(
            gettext_noop(
                "%(enterprise)s delivered its self-assessment (due on %(due)s) for certificate "
                "%(number)s: acknowledge it."
            ),
            enterprise=certificate.enterprise.name,
            due=row.due_on.isoformat(),
            number=certificate.number,
        ),
        reverse("certification:lifecycle_certificate", args=[certificate.pk]),
    )


def record_overdue(today: datetime.date) -> int:
    """Years past their due date without a self-assessment: recorded once."""
    count = 0
    rows = (
        _annual_open()
        .filter(due_on__lt=today, overdue_recorded_at__isnull=True)
        .select_related("certificate__enterprise", "certificate__announcement")
        .order_by("pk")
    )
    for row in rows.iterator(chunk_size=500):
        with transaction.atomic():
            if not AnnualSelfAssessment.objects.filter(
                pk=row.pk, overdue_recorded_at__isnull=True, submitted_at__isnull=True
            ).update(overdue_recorded_at=timezone.now()):
                continue
            certificate = row.certificate
            audit.record(
                actor=None,
                action="certificate.annual.overdue",
                obj=certificate,
                after={"year": row.year, "due_on": row.due_on.isoformat()},
            )
            _notify_enterprise(
                certificate,
                message(
                    gettext_noop(
                        "%(enterprise)s: the annual self-assessment of year %(year)d of "
                        "certificate %(number)s was due on %(due)s and is overdue."
                    ),
                    enterprise=certificate.enterprise.name,
                    year=row.year,
                    number=certificate.number,
                    due=row.due_on.isoformat(),
                ),
            )
        count += 1
    return count


def expire(today: datetime.date) -> int:
    """Live certificates past valid_until become expired."""
    count = 0
    for certificate in (
        Certificate.objects.filter(status__in=LIVE, valid_until__lt=today)
        .select_related("enterprise")
        .order_by("pk")
        .iterator(chunk_size=500)
    ):
        with transaction.atomic():
            if not Certificate.objects.filter(
                pk=certificate.pk, status=certificate.status, valid_until__lt=today
            ).update(status=Certificate.Status.EXPIRED, status_changed_at=timezone.now()):
                continue
            CertificateEvent.objects.create(
                certificate=certificate,
                action=Action.EXPIRED,
                from_status=certificate.status,
                to_status=Certificate.Status.EXPIRED,
            )
            audit.record(
                actor=None,
                action="certificate.expired",
                obj=certificate,
                before={"status": certificate.status},
                after={"status": Certificate.Status.EXPIRED},
            )
            _notify_enterprise(
                certificate,
                message(
                    gettext_noop("Certificate %(number)s (%(enterprise)s) expired on %(date)s."),
                    number=certificate.number,
                    enterprise=certificate.enterprise.name,
                    date=certificate.valid_until.isoformat(),
                ),
            )
        count += 1
    return count


def remind_annual(today: datetime.date) -> int:
    """ANNUAL_REMIND_DAYS before the due date, and on the due date; each
    reminder claimed by ``reminded_on``."""
    ahead = datetime.timedelta(days=getattr(settings, "ANNUAL_REMIND_DAYS", ANNUAL_REMIND_DAYS))
    count = 0
    rows = (
        _annual_open()
        .filter(overdue_recorded_at__isnull=True, due_on__lte=today + ahead, due_on__gte=today)
        .select_related("certificate__enterprise")
        .order_by("pk")
    )
    for row in rows:
        stage = row.due_on if row.due_on <= today else row.due_on - ahead
        with transaction.atomic():
            if not (
                AnnualSelfAssessment.objects.filter(pk=row.pk, submitted_at__isnull=True)
                .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=stage))
                .update(reminded_on=today)
            ):
                continue
            certificate = row.certificate
            _notify_enterprise(
                certificate,
                message(
                    gettext_noop(
                        "Reminder: %(enterprise)s — the annual self-assessment of year %(year)d "
                        "of certificate %(number)s is due on %(due)s."
                    ),
                    enterprise=certificate.enterprise.name,
                    year=row.year,
                    number=certificate.number,
                    due=row.due_on.isoformat(),
                ),
            )
        count += 1
    return count


def _claim_once(key: str) -> bool:
    """A one-off claim in the Counter table (its key is the primary key):
    True for the first caller only. Used for the renewal notice, which has
    no field of its own on Certificate."""
    try:
        with transaction.atomic():
            _, created = Counter.objects.get_or_create(key=key, defaults={"value": 1})
    except IntegrityError:
        return False
    return created


def notify_renewal(today: datetime.date) -> int:
    """Tell the enterprise once when its renewal window opens."""
    months = getattr(settings, "RENEWAL_WINDOW_MONTHS", RENEWAL_WINDOW_MONTHS)
    horizon = add_months(today, months)
    count = 0
    for certificate in (
        Certificate.objects.filter(
            status=Certificate.Status.VALID, valid_until__gte=today, valid_until__lte=horizon
        )
        .select_related("enterprise")
        .order_by("pk")
    ):
        if renewal_opens_on(certificate) > today:
            continue
        with transaction.atomic():
            if not _claim_once(f"renewal-notice:{certificate.pk}"):
                continue
            _notify_enterprise(
                certificate,
                message(
                    gettext_noop(
                        "Certificate %(number)s (%(enterprise)s, %(grade)s) is valid until "
                        "%(until)s: you may now apply to renew the same grade."
                    ),
                    number=certificate.number,
                    enterprise=certificate.enterprise.name,
                    grade=label(Application.Tier, certificate.tier),
                    until=certificate.valid_until.isoformat(),
                ),
                url=reverse("certification:new"),
            )
        count += 1
    return count


def run_daily(today: datetime.date | None = None) -> dict[str, int]:
    """The order matters: fulfil before recording overdue, record overdue
    before expiry (a last year due on valid_until is recorded the day after)."""
    today = today or timezone.localdate()
    return {
        "fulfilled": fulfil_annual(today),
        "overdue": record_overdue(today),
        "expired": expire(today),
        "reminded": remind_annual(today),
        "renewal": notify_renewal(today),
    }


@shared_task(name="certification.run_lifecycle")
def run_lifecycle_task() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE "certificate-lifecycle"): annual
    self-assessments fulfilled, overdue recorded, expiry, reminders, renewal
    notices. Each step claims its rows: a second run the same day does nothing."""
    return run_daily()
