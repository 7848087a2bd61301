"""Life of a standard version: draft → published → retired. Each step is
guarded on the current state, locks the row and leaves an audit event.

Imports (which create and replace drafts) live in reviews/standards/files/service.py.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.errors import ServiceError
from portal.models import User
from reviews.models import Criterion, StandardVersion


def _locked(version: StandardVersion) -> StandardVersion:
    return StandardVersion.objects.select_for_update().select_related("standard").get(pk=version.pk)


def publish_locked(*, actor: User | None, version: StandardVersion) -> StandardVersion:
    """Publish a version the caller has locked and checked to be a draft."""
    if not Criterion.objects.filter(version=version).exists():
        raise ServiceError(_("This version has no criteria; import its file first."))
    version.status = StandardVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        action="standard.publish",
        obj=version,
        before={"status": StandardVersion.Status.DRAFT},
        after={"status": version.status, "published_at": version.published_at.isoformat()},
    )
    return version


@transaction.atomic
def version_publish(*, actor: User | None, version: StandardVersion) -> StandardVersion:
    version = _locked(version)
    if version.status != StandardVersion.Status.DRAFT:
        raise ServiceError(
            _("Only a draft can be published; this version is %(status)s.")
            % {"status": version.get_status_display().lower()}
        )
    return publish_locked(actor=actor, version=version)


@transaction.atomic
def version_retire(*, actor: User | None, version: StandardVersion) -> StandardVersion:
    """A retired version is no longer offered for new assessments; the
    assessments made on it keep it."""
    version = _locked(version)
    if version.status != StandardVersion.Status.PUBLISHED:
        raise ServiceError(
            _("Only a published version can be retired; this version is %(status)s.")
            % {"status": version.get_status_display().lower()}
        )
    version.status = StandardVersion.Status.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    audit.record(
        actor=actor,
        action="standard.retire",
        obj=version,
        before={"status": StandardVersion.Status.PUBLISHED},
        after={"status": version.status, "retired_at": version.retired_at.isoformat()},
    )
    return version
