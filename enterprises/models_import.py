"""An Excel import of enterprises: the uploaded file, its dry run and its commit.

The job row is what the import page shows while a Celery worker checks and
writes the file (progress, counts, every problem found), and it stays
afterwards as the record of what was imported: the file is kept under
MEDIA_ROOT/imports/.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation
from portal.models import OrganisationKind as Kind


def import_upload_to(instance: ImportJob, filename: str) -> str:
    # The user's file name is kept in original_filename; on disk a random
    # name avoids clashes and odd characters.
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user) -> ImportJobQuerySet:
        """A job is seen by the organisation that uploaded it and by the city office."""
        if not user.is_authenticated or not user.can_act:
            return self.none()
        if user.organisation.kind == Kind.CITY_OFFICE:
            return self
        return self.filter(organisation_id=user.organisation_id)


class ImportJob(models.Model):
    class Mode(models.TextChoices):
        CREATE = "create", _("Report enterprises already in the registry as errors")
        UPDATE = "update", _("Update enterprises already in the registry")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked, ready to import")
        FAILED_VALIDATION = "failed_validation", _("Has problems")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.COMMITTING)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # The importer's scope: a district imports only its own enterprises.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    file = models.FileField(_("file"), upload_to=import_upload_to)
    original_filename = models.CharField(_("file name"), max_length=255)
    mode = models.CharField(
        _("existing enterprises"), max_length=10, choices=Mode.choices, default=Mode.CREATE
    )
    # Messages are written in the uploader's language when the worker checks the file.
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("to create"), default=0)
    updated_count = models.PositiveIntegerField(_("to update"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    # [{"row": 7, "column": "统一社会信用代码", "message": "..."}, ...]
    errors = models.JSONField(_("problems"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of problems"), default=0)
    # Rows imported all the same, with what to check (enterprises/scale.py, uscc.py):
    # a declared scale that disagrees with the figures, a code from outside Beijing.
    # Same shape as ``errors``; at most MAX_STORED_PROBLEMS.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("check started"), null=True, blank=True)
    # Set when a worker claims the commit, so a second delivery does nothing.
    commit_started_at = models.DateTimeField(_("import started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enterprise import")
        verbose_name_plural = _("enterprise imports")
        indexes = [
            # The import page lists the organisation's recent jobs.
            models.Index(fields=["organisation", "-created_at"], name="importjob_org_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.VALIDATED and self.error_count == 0

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (self.Status.DONE, self.Status.VALIDATED) else 0
        return min(100, self.rows_done * 100 // self.total_rows)
