"""Publicity (公示) with public objections, announcement (公告) batches and
the certificates they give."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certification.models.applications import Application
from certification.titles import shown_title
from enterprises.models import Enterprise
from enterprises.place_copy import EnterprisePlace
from portal.fields import BoundedTextField
from portal.models import Industry, Organisation


class PublicityBatch(models.Model):
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Not columns: set by the views on the rows they show (for their templates).
    is_open: bool
    is_upcoming: bool
    objection_count: int
    unresolved_count: int

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("publicity batch")
        verbose_name_plural = _("publicity batches")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return shown_title(self.title)


class PublicityItem(models.Model):
    batch = models.ForeignKey(PublicityBatch, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="publicity_items"
    )
    # What the public page shows, fixed when the batch is published.
    tier = models.CharField(_("grade"), max_length=5)
    # Set when an upheld objection took the application out of the batch.
    removed_at = models.DateTimeField(null=True, blank=True)

    # Not columns: set by the views on the rows they show (for their templates).
    tier_label: str
    is_open: bool

    class Meta:
        ordering = ["application__enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "application"], name="publicity_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.application_id}"


class Objection(models.Model):
    class Outcome(models.TextChoices):
        DISMISSED = "dismissed", _("Dismissed")
        UPHELD = "upheld", _("Upheld")

    item = models.ForeignKey(PublicityItem, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("your name"), max_length=50)
    contact = models.CharField(_("phone or e-mail"), max_length=100)
    text = BoundedTextField(_("objection"), max_length=2000)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    resolution = BoundedTextField(_("resolution"), max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:30]}"


class AnnouncementBatch(models.Model):
    """An announcement such as “2026年第3批”: numbered per organiser and year.
    Awards issue certificates; revocations publish withdrawn grades."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Grades awarded")
        REVOCATION = "revocation", _("Grades revoked")

    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("announced by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    announced_on = models.DateField(_("announced on"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AWARD)
    # Rendering the certificates' PDFs (certification/certificates/rendering.py).
    pdfs_total = models.PositiveIntegerField(default=0)
    pdfs_done = models.PositiveIntegerField(default=0)
    pdfs_failed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-announced_on", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "year", "number"], name="announcement_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return shown_title(self.title)

    @property
    def pdfs_stalled(self) -> int:
        """Renders pending for longer than RENDER_STALLED_AFTER_SECONDS (their
        Celery message was lost: the periodic requeue will send them again)."""
        if self.pdfs_done + self.pdfs_failed >= self.pdfs_total:
            return 0
        return stalled_renders(stalled_before()).filter(announcement=self).count()


class Counter(models.Model):
    """Gap-free numbering (certificate sequence numbers, announcement batch
    numbers): one row per key, incremented under a row lock, so two
    announcements at once never get the same number (never max+1)."""

    key = models.CharField(max_length=60, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


def certificate_file_path(instance: Certificate, filename: str) -> str:
    return f"certificates/{instance.valid_from:%Y}/{filename}"


class RevocationReason(models.TextChoices):
    """Reason codes of suspension, downgrading and revocation (domain.md §4.3)."""

    FATAL_ACCIDENT = "fatal_accident", _("Fatal production-safety accident")
    MAJOR_HAZARD = "major_hazard", _("Major accident hazard not rectified in time")
    SYSTEM_NOT_RUNNING = (
        "system_not_running",
        _("Standardization management system not kept running"),
    )
    # Accidents below a death that still ground a revocation: the thresholds of
    # settings.ACCIDENT_REVIEW_SERIOUS_INJURIES / ACCIDENT_REVIEW_DIRECT_LOSS.
    SERIOUS_INJURIES = "serious_injuries", _("Accident with serious injuries above the threshold")
    DIRECT_LOSS = "direct_loss", _("Accident with a direct loss above the threshold")
    # 瞒报、谎报、迟报、漏报 (domain.md §4.3 "other triggers", [M]).
    ACCIDENT_REPORTING = (
        "accident_reporting",
        _("Accident concealed, falsely, late or incompletely reported"),
    )
    FRAUD = "fraud", _("False materials or concealed accidents")
    DISHONESTY_LIST = "dishonesty_list", _("Listed for dishonesty sanctions (失信名单)")
    LICENCE_REVOKED = "licence_revoked", _("Licence revoked or business ceased")
    OTHER = "other", _("Other")


class Certificate(EnterprisePlace):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", pgettext_lazy("certificate", "Suspended")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certificate"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("enterprise"),
    )
    tier = models.CharField(_("grade"), max_length=5)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="+", verbose_name=_("industry")
    )
    announcement = models.ForeignKey(
        AnnouncementBatch, on_delete=models.PROTECT, related_name="certificates"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The printed certificate: 9 digits + 1 check digit, given when
    # the PDF is first rendered (certification/certificates/rendering.py).
    print_number = models.CharField(_("print number"), max_length=10, blank=True)
    pdf = models.FileField(upload_to=certificate_file_path, max_length=300, blank=True)
    plaque_pdf = models.FileField(upload_to=certificate_file_path, max_length=300, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_error = BoundedTextField(max_length=2000, blank=True)
    # When its rendering was last put on the queue: still pending long after
    # it, the message was lost (a killed worker) and it is queued again.
    render_queued_at = models.DateTimeField(null=True, blank=True)
    # Public verification (certification/certificates/signing.py): how often it was checked.
    check_count = models.PositiveIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # Lifecycle (certification/lifecycle/rules.py).
    status_reason = models.CharField(
        _("reason"), max_length=20, blank=True, choices=RevocationReason.choices
    )
    status_note = BoundedTextField(_("explanation"), max_length=2000, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # After a revocation the enterprise may not apply again before this day.
    reapply_locked_until = models.DateField(_("may apply again from"), null=True, blank=True)
    # Flagged for a revocation review (e.g. a fatal accident was recorded).
    review_flagged_at = models.DateTimeField(null=True, blank=True)
    review_flag_reason = models.CharField(max_length=300, blank=True)

    # Not columns: set by the views on the rows they show (for their templates).
    tier_label: str
    revocation_reason: str

    class Meta:
        ordering = ["-valid_from", "number"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [
            models.Index(fields=["enterprise", "-valid_from"], name="cert_enterprise_idx"),
            # The certificate lists, in the model's ordering.
            models.Index(fields=["-valid_from", "number"], name="cert_list_idx"),
            # The statistics' certificate drill-downs, in their order: the first page
            # walks the index instead of sorting every matching certificate.
            models.Index(fields=["valid_until", "number"], name="cert_valid_until_idx"),
            # The certificate list (lifecycle/views.py) filtered by status, in its order.
            models.Index(fields=["status", "valid_until", "number"], name="cert_status_list_idx"),
            # The same lists for one district (one street).
            models.Index(fields=["region", "valid_until", "number"], name="cert_region_list_idx"),
            models.Index(
                fields=["region", "status", "valid_until", "number"],
                name="cert_region_status_idx",
            ),
            models.Index(fields=["street", "status"], name="cert_street_status_idx"),
            models.Index(fields=["enterprise_industry", "status"], name="cert_industry_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number


def stalled_before() -> datetime.datetime:
    """Renders queued before this moment and still pending count as stalled."""
    return timezone.now() - datetime.timedelta(seconds=settings.RENDER_STALLED_AFTER_SECONDS)


def stalled_renders(cutoff: datetime.datetime) -> QuerySet[Certificate]:
    """Certificates of award announcements still pending (neither rendered nor
    failed) although queued before ``cutoff``: their message is lost."""
    return Certificate.objects.filter(
        announcement__kind=AnnouncementBatch.Kind.AWARD,
        rendered_at__isnull=True,
        render_error="",
        render_queued_at__lt=cutoff,
    )
