"""Certificate and plaque PDFs, rendered by Celery tasks with
WeasyPrint through certification/certificates/pdf.py's restricted pipeline.

``render_certificate(certificate_id)`` lays out templates/pdf/certificate.html
once (page 1: the certificate, A4 landscape; page 2: the plaque, A3
landscape) and stores each page as its own file, ``certificate-<id>.pdf``
and ``plaque-<id>.pdf`` under certificates/<year>/ in the default storage
(local MEDIA_ROOT, or S3 when STORAGE_S3_BUCKET is set). It is idempotent:
rendering again overwrites those two names (the old files are deleted
first), so a certificate never has more than one file of each.

Print number (印刷编号): 9 digits + 1 check digit, given at the first
rendering and never changed afterwards. The 9 digits are the next value of
the gap-free counter "print-number" (certification.numbering.next_number:
a row lock, never max()+1), so every printed sheet has its own number and
a missing sheet shows as a gap in the register. The check digit is ISO/IEC
7064 MOD 11-10 (the pure-decimal hybrid system also used by the Chinese
organisation code and the German tax ID): one decimal check digit (never
"X", unlike MOD 11-2) that catches every single-digit error and every
transposition of adjacent digits — Luhn misses the 09 ↔ 90 transposition,
which is why it was not chosen.

Batches: ``issue_announcement_pdfs(announcement_id)`` counts the
announcement's certificates into AnnouncementBatch.pdfs_total/pdfs_done/
pdfs_failed (recomputed from the certificates, so a resumed batch starts from
the truth) and enqueues one task per certificate not rendered yet. Each
rendering moves the counters with F() updates, decided under the
certificate's row lock from its state before and after (pending → done:
done+1; failed → done: failed−1, done+1; pending → failed: failed+1), so a
task run twice (a render queued again, or delivered again) never counts twice.

Stalled renders: a render task's message can be lost — kombu's filesystem
broker (the embedded mode) does not deliver again a message whose worker was
killed before acknowledging it (Redis does, after its visibility_timeout).
Each certificate records when its render was queued (render_queued_at); one
still pending RENDER_STALLED_AFTER_SECONDS later shows as stalled in the
progress and is queued again by the periodic ``requeue_stalled`` task
(certification/certificates/pdf_jobs.py).
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.certificates.limits import time_limits
from certification.engine import TransitionForbidden
from certification.models import AnnouncementBatch, Certificate
from certification.models.publicity import stalled_renders
from certification.numbering import next_number
from portal import audit
from portal.errors import ServiceError
from portal.pdf_lock import PDF_LOCK

logger = logging.getLogger(__name__)

PRINT_NUMBER_KEY = "print-number"
PRINT_DIGITS = 9

GRADE_TEXT = {"1": "一级企业", "2": "二级企业", "3": "三级企业", "pass": "小微企业达标"}
PLAQUE_TEXT = {
    "1": "安全生产标准化一级企业",
    "2": "安全生产标准化二级企业",
    "3": "安全生产标准化三级企业",
    "pass": "安全生产标准化小微企业达标",
}


# --- print numbers ----------------------------------------------------------------------


def mod11_10_check_digit(digits: str) -> str:
    """ISO/IEC 7064 MOD 11-10 check digit of a string of decimal digits."""
    product = 10
    for char in digits:
        total = (product + int(char)) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def is_valid_print_number(value: str) -> bool:
    return (
        isinstance(value, str)
        and len(value) == PRINT_DIGITS + 1
        and value.isdigit()
        and mod11_10_check_digit(value[:-1]) == value[-1]
    )


def new_print_number() -> str:

    serial = next_number(PRINT_NUMBER_KEY)
    if serial >= 10**PRINT_DIGITS:
        raise ServiceError(_("The print numbers are used up."))
    body = f"{serial:0{PRINT_DIGITS}d}"
    return body + mod11_10_check_digit(body)


def _ensure_print_number(certificate_id: int) -> str:
    """The certificate's print number, given once (under its row lock)."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .only("pk", "print_number")
            .get(pk=certificate_id)
        )
        if not certificate.print_number:
            certificate.print_number = new_print_number()
            certificate.save(update_fields=["print_number"])
        return certificate.print_number


# --- rendering --------------------------------------------------------------------------


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _month_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月"


def certificate_context(certificate: Certificate) -> dict:
    from certification.certificates import signing as verify
    from certification.certificates.pdf import qr_data_uri

    application = certificate.application
    specialty = ""
    assessment = getattr(application, "assessment", None)
    if assessment is not None and assessment.version_id:
        specialty = assessment.version.standard.name
    url = verify.verification_url(certificate)
    return {
        "c": certificate,
        "enterprise": certificate.enterprise,
        "industry": certificate.industry.name,
        "specialty": specialty or certificate.industry.name,
        "grade_text": GRADE_TEXT.get(certificate.tier, certificate.tier),
        "plaque_grade": PLAQUE_TEXT.get(certificate.tier, certificate.tier),
        "subtitle": (
            "小微企业安全生产标准化达标证书"
            if certificate.tier == "pass"
            else "企业安全生产标准化等级证书"
        ),
        "organiser": certificate.announcement.organiser.name,
        "issued_text": _date_text(certificate.announcement.announced_on),
        "valid_until_text": _month_text(certificate.valid_until),
        "verification_url": url,
        "qr": qr_data_uri(url),
    }


def render_certificate_pdfs(certificate: Certificate) -> tuple[bytes, bytes]:
    """(certificate PDF, plaque PDF) of a certificate that has its print number."""
    from django.template.loader import render_to_string

    from certification.certificates import pdf

    html = render_to_string("pdf/certificate.html", certificate_context(certificate))
    with PDF_LOCK:
        document = pdf.render_document(html, css=("certificate.css",))
        first, second = document.pages[0], document.pages[-1]
        return document.copy([first]).write_pdf(), document.copy([second]).write_pdf()


def _state(certificate: Certificate) -> str:
    if certificate.rendered_at is not None:
        return "done"
    return "failed" if certificate.render_error else "pending"


def _count(announcement_id: int, before: str, after: str) -> None:
    """Move the batch's counters from one state of a certificate to another."""
    if before == after:
        return
    changes = {}
    for state, step in ((before, -1), (after, 1)):
        field = {"done": "pdfs_done", "failed": "pdfs_failed"}.get(state)
        if field:
            changes[field] = F(field) + step
    if changes:
        AnnouncementBatch.objects.filter(pk=announcement_id).update(**changes)


def _replace(field, name: str, data: bytes) -> None:
    """Store ``data`` as ``name`` (the field's upload_to folder), deleting the
    field's previous file and whatever already has that name: one file."""
    storage = field.storage
    old = field.name
    target = field.field.generate_filename(field.instance, name)
    for stale in {old, target} - {""}:
        if stale and storage.exists(stale):
            storage.delete(stale)
    field.save(name, ContentFile(data), save=False)


def _loaded(certificate_id: int) -> Certificate:
    return Certificate.objects.select_related(
        "enterprise",
        "industry",
        "announcement__organiser",
        "application__assessment__version__standard",
    ).get(pk=certificate_id)


def render_certificate(certificate_id: int) -> Certificate:
    """Render (or render again) the certificate's PDF and plaque; records
    rendered_at, or render_error and re-raises when the rendering failed."""
    _ensure_print_number(certificate_id)
    certificate = _loaded(certificate_id)
    try:
        certificate_pdf, plaque_pdf = render_certificate_pdfs(certificate)
    except Exception as error:
        record_failure(certificate_id, error)
        raise
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        before = _state(locked)
        _replace(locked.pdf, f"certificate-{locked.pk}.pdf", certificate_pdf)
        _replace(locked.plaque_pdf, f"plaque-{locked.pk}.pdf", plaque_pdf)
        locked.rendered_at = timezone.now()
        locked.render_error = ""
        locked.save(update_fields=["pdf", "plaque_pdf", "rendered_at", "render_error"])
        _count(locked.announcement_id, before, _state(locked))
    return locked


def record_failure(certificate_id: int, error: BaseException) -> None:
    message = f"{type(error).__name__}: {error}"[:2000]
    logger.exception("Rendering certificate %s failed", certificate_id, exc_info=error)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        before = _state(locked)
        locked.render_error = message
        locked.save(update_fields=["render_error"])
        _count(locked.announcement_id, before, _state(locked))


def is_rendered(certificate: Certificate) -> bool:
    return bool(certificate.rendered_at and certificate.pdf and certificate.plaque_pdf)


# --- batches ----------------------------------------------------------------------------


def pending_certificates(announcement_id: int):
    """Certificates of the announcement without their files yet."""
    return (
        Certificate.objects.filter(announcement_id=announcement_id)
        .filter(rendered_at__isnull=True)
        .order_by("pk")
    )


@transaction.atomic
def recount(announcement_id: int) -> AnnouncementBatch:
    """Recompute the batch's counters from its certificates. The batch row is
    locked first: a rendering finishing meanwhile waits for it and then adds
    its step to the recounted values (counted once either way)."""
    batch = AnnouncementBatch.objects.select_for_update().get(pk=announcement_id)
    rows = Certificate.objects.filter(announcement_id=announcement_id)
    batch.pdfs_total = rows.count()
    batch.pdfs_done = rows.filter(rendered_at__isnull=False).count()
    batch.pdfs_failed = rows.filter(rendered_at__isnull=True).exclude(render_error="").count()
    batch.save(update_fields=["pdfs_total", "pdfs_done", "pdfs_failed"])
    return batch


def enqueue_renders(ids: list[int]) -> None:
    """Queue one render task per certificate, with the PDF time limits, and
    note when: pending long after it, a render counts as stalled."""
    Certificate.objects.filter(pk__in=ids).update(render_queued_at=timezone.now())
    for certificate_id in ids:
        render_certificate_task.apply_async((certificate_id,), **time_limits())


def issue_announcement_pdfs(announcement_id: int) -> int:
    """Start (or resume) rendering the announcement's certificates: one task
    per certificate not rendered yet. Returns how many were enqueued."""
    batch = AnnouncementBatch.objects.filter(pk=announcement_id).first()
    if batch is None or batch.kind != AnnouncementBatch.Kind.AWARD:
        return 0
    recount(announcement_id)
    ids = list(pending_certificates(announcement_id).values_list("pk", flat=True))
    enqueue_renders(ids)
    return len(ids)


def stalled_count(announcement: AnnouncementBatch) -> int:
    """How many of the announcement's renders are stalled (for its progress)."""
    return announcement.pdfs_stalled


def requeue_stalled(cutoff: datetime.datetime) -> int:
    """Queue again the renders stalled before ``cutoff``; how many."""
    ids = list(stalled_renders(cutoff).order_by("pk").values_list("pk", flat=True))
    enqueue_renders(ids)
    return len(ids)


def may_retry(user, announcement: AnnouncementBatch) -> bool:
    """The organiser that announced the batch (the city office reads only)."""
    from certification.publicity import rules as publicity

    return bool(publicity.publishes(user) and user.organisation_id == announcement.organiser_id)


def retry_failed(*, actor, announcement: AnnouncementBatch) -> int:
    """The organiser asks again for the certificates still missing their
    files (failed or never rendered): enqueued once the request commits."""
    if not may_retry(actor, announcement):
        raise TransitionForbidden(
            _("Only the organisation that made the announcement can retry its certificates.")
        )
    with transaction.atomic():
        count = pending_certificates(announcement.pk).count()
        audit.record(
            actor=actor, action="certificate.pdf.retry", obj=announcement, after={"pending": count}
        )
        transaction.on_commit(lambda: issue_announcement_pdfs_task.delay(announcement.pk))
    return count


# --- the tasks --------------------------------------------------------------------------
# Late acknowledgement: with Redis a message whose worker was killed before
# acknowledging it is delivered again after the broker's visibility_timeout.
# kombu's filesystem broker (the embedded mode) removes a message when a
# worker takes it, so a killed worker loses it: the render stays pending until
# the periodic requeue_stalled task below queues it again. Rendering twice is
# harmless (the same two file names are overwritten; the batch counters move
# only when the certificate's state changes). Every PDF task gets Celery's
# soft and hard time limits from pdf_jobs.time_limits() when queued.


@shared_task(
    name="certification.render_certificate",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    default_retry_delay=10,
)
def render_certificate_task(self, certificate_id: int, force: bool = False) -> bool:
    """Render one certificate's PDF and plaque; retried with exponential
    backoff (10 s, 20 s, 40 s … at most 10 minutes) when it fails."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return False
    if not force and is_rendered(certificate):
        return False
    try:
        render_certificate(certificate_id)
    except Exception as error:
        if self.request.is_eager:  # tests and CELERY_TASK_ALWAYS_EAGER: no waiting
            raise
        countdown = min(600, 10 * 2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from error
    return True


@shared_task(
    name="certification.issue_announcement_pdfs", acks_late=True, reject_on_worker_lost=True
)
def issue_announcement_pdfs_task(announcement_id: int) -> int:
    """Fan out one render task per certificate of the announcement not
    rendered yet (enqueued when an announcement commits; safe to run again)."""
    return issue_announcement_pdfs(announcement_id)


def on_announcement_made(*, announcement: AnnouncementBatch, **_signal) -> None:
    """Receiver of certification.signals.announcement_made: render the
    certificates' PDFs once the announcement commits."""
    pk = announcement.pk
    transaction.on_commit(lambda: issue_announcement_pdfs_task.delay(pk))
