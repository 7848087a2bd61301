"""The user's requests of an enterprise import: upload a workbook (its check is
queued) and, after a clean check, go ahead (the write is queued). The worker's
side is in enterprises/importing/service.py."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.importing.tasks import import_check_task, import_commit_task
from enterprises.models_import import ImportJob
from portal import permissions
from portal.errors import ServiceError
from portal.models import User


@transaction.atomic
def import_job_create(*, actor: User, upload, mode: str) -> ImportJob:
    """Store the uploaded file (already known to be an xlsx within the size
    limit) and queue its check."""
    # (a user who may import always belongs to an organisation)
    if not permissions.can_import_enterprises(actor) or actor.organisation_id is None:
        raise ServiceError(_("Your organisation cannot import enterprises."))
    if mode not in ImportJob.Mode.values:
        raise ServiceError(
            _("Choose what to do with enterprises already in the registry."), field="mode"
        )
    job = ImportJob(
        created_by=actor,
        organisation_id=actor.organisation_id,
        file=upload,
        original_filename=PurePath(upload.name).name[:255],
        mode=mode,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.save()
    transaction.on_commit(lambda: import_check_task.delay(job.pk))
    return job


@transaction.atomic
def import_job_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """The user's go-ahead after a clean dry run: queue the write."""
    if not (
        permissions.can_import_enterprises(actor) and job.organisation_id == actor.organisation_id
    ):
        raise ServiceError(_("Only the organisation that uploaded this file can import it."))
    started = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.VALIDATED, error_count=0
    ).update(status=ImportJob.Status.COMMITTING, committed_by=actor, rows_done=0)
    if not started:
        raise ServiceError(
            _(
                "This file cannot be imported now: it is not checked yet, it has "
                "problems, or it is already being imported."
            )
        )
    transaction.on_commit(lambda: import_commit_task.delay(job.pk))
    job.refresh_from_db()
    return job
