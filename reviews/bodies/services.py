"""Writes on review units, their reviewers and conflict relations.

Each function is atomic and audited. Whether the actor manages the unit is
checked by the callers (reviews.bodies.selectors.can_manage_unit), as in
portal/services.py.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enterprises.models import Enterprise
from portal import audit
from portal.errors import ServiceError
from portal.models import Industry, Organisation, OrganisationKind, User
from portal.notify import label, message, notify_after_commit
from reviews.models import ConflictRelation, Reviewer

Status = Organisation.Status

# A review unit's statuses (the list's filter), the ones its managers set here, and
# from which each may be set. Disqualification is decided on a proposal
# (reviews/bodies/disqualification.py); the city office alone reinstates.
UNIT_STATUSES = (Status.ACTIVE, Status.SUSPENDED, Status.DISQUALIFIED)
SETTABLE_STATUSES = (Status.ACTIVE, Status.SUSPENDED)
_STATUS_SOURCES: dict[str, tuple[str, ...]] = {
    Status.ACTIVE: (Status.SUSPENDED, Status.DISQUALIFIED),
    Status.SUSPENDED: (Status.ACTIVE,),
}

REVIEWER_FIELDS = ["name", "certificate_no", "user", "is_active"]


class StatusConflict(ServiceError):
    """The unit's status changed after the form was shown (API: 409)."""


@transaction.atomic
def unit_set_status(
    *, actor: User, unit: Organisation, status: str, reason: str, expected: str | None = None
) -> Organisation:
    """Set a review unit active or suspended, with a reason."""
    reason = (reason or "").strip()
    if status == Status.DISQUALIFIED:
        raise ServiceError(
            _(
                "A review unit is disqualified only by the decision of its industry "
                "regulator or the city office on the organising unit's proposal."
            ),
            field="status",
        )
    if status not in SETTABLE_STATUSES:
        raise ServiceError(_("A review unit can be set active or suspended."), field="status")
    if not reason:
        raise ServiceError(_("Give the reason for the change."), field="reason")
    locked = Organisation.objects.select_for_update().get(pk=unit.pk)
    if locked.kind != OrganisationKind.REVIEW_UNIT:
        raise ServiceError(_("This organisation is not a review unit."))
    if expected and locked.status != expected:
        raise StatusConflict(
            _("The unit's status was changed meanwhile; it is now “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    if locked.status == status:
        raise ServiceError(
            _("The unit is already “%(status)s”.") % {"status": locked.get_status_display()},
            field="status",
        )
    if locked.status not in _STATUS_SOURCES[status]:
        raise ServiceError(
            _("A unit that is “%(current)s” cannot be set “%(target)s” here.")
            % {"current": locked.get_status_display(), "target": Status(status).label},
            field="status",
        )
    if locked.status == Status.DISQUALIFIED and actor.kind != OrganisationKind.CITY_OFFICE:
        raise ServiceError(
            _("Only the city safety committee office reinstates a disqualified unit."),
            field="status",
        )
    before = {"status": locked.status, "status_reason": locked.status_reason}
    locked.status = status
    locked.status_reason = reason
    locked.save(update_fields=["status", "status_reason"])
    audit.record(
        actor=actor,
        action="review_unit.status",
        obj=locked,
        before=before,
        after={"status": status, "status_reason": reason},
    )
    text = message(
        gettext_noop("Your review unit is now “%(status)s”: %(reason)s"),
        status=label(Status, locked.status),
        reason=reason,
    )
    notify_after_commit([locked.pk], text, reverse("review_bodies:detail", args=[locked.pk]))
    unit.status, unit.status_reason = locked.status, locked.status_reason
    return unit


def _reviewer_snapshot(reviewer: Reviewer) -> dict[str, Any]:
    data = audit.snapshot(reviewer, REVIEWER_FIELDS)
    data["specialties"] = sorted(reviewer.specialties.values_list("code", flat=True))
    return data


@transaction.atomic
def reviewer_save(
    *, actor: User | None, reviewer: Reviewer, specialties: list[Industry] | None = None
) -> Reviewer:
    """Add or edit a reviewer; the training certificate number is unique."""
    creating = reviewer.pk is None
    before: dict[str, Any] = {}
    if not creating:
        before = _reviewer_snapshot(Reviewer.objects.select_for_update().get(pk=reviewer.pk))
    reviewer.name = (reviewer.name or "").strip()
    reviewer.certificate_no = (reviewer.certificate_no or "").strip()
    if not reviewer.name:
        raise ServiceError(_("Give the reviewer's name."), field="name")
    if not reviewer.certificate_no:
        raise ServiceError(_("Give the training certificate number."), field="certificate_no")
    holder = (
        Reviewer.objects.filter(certificate_no__iexact=reviewer.certificate_no)
        .exclude(pk=reviewer.pk)
        .select_related("unit")
        .first()
    )
    if holder is not None:
        raise ServiceError(
            _("Certificate number %(no)s is already registered to %(name)s of %(unit)s.")
            % {"no": reviewer.certificate_no, "name": holder.name, "unit": holder.unit.name},
            field="certificate_no",
        )
    if reviewer.user is not None and reviewer.user.organisation_id != reviewer.unit_id:
        raise ServiceError(_("The login must belong to the review unit."), field="user")
    reviewer.full_clean(exclude=["specialties"])
    reviewer.save()
    if specialties is not None:
        reviewer.specialties.set(specialties)
    after = _reviewer_snapshot(reviewer)
    if creating:
        audit.record(
            actor=actor,
            action="reviewer.create",
            obj=reviewer,
            after={**after, "unit": reviewer.unit_id},
        )
    else:
        old, new = audit.changed(before, after)
        if new:
            audit.record(actor=actor, action="reviewer.update", obj=reviewer, before=old, after=new)
    return reviewer


@transaction.atomic
def reviewer_set_active(*, actor: User | None, reviewer: Reviewer, active: bool) -> Reviewer:
    locked = Reviewer.objects.select_for_update().get(pk=reviewer.pk)
    if locked.is_active == active:
        raise ServiceError(
            _("The reviewer is already active.")
            if active
            else _("The reviewer is already deactivated.")
        )
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="reviewer.activate" if active else "reviewer.deactivate",
        obj=locked,
        before={"is_active": not active},
        after={"is_active": active},
    )
    reviewer.is_active = active
    return reviewer


@transaction.atomic
def conflict_record(
    *,
    actor: User,
    unit: Organisation,
    enterprise: Enterprise,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    note: str = "",
) -> ConflictRelation:
    """Record why a review unit may not review an enterprise (callers check that the
    enterprise is one the actor can see)."""
    if ended_on and ended_on < started_on:
        raise ServiceError(_("The end date comes before the start date."), field="ended_on")
    overlapping = ConflictRelation.objects.filter(
        unit=unit, enterprise=enterprise, kind=kind, ended_on__isnull=True
    )
    if overlapping.exists():
        raise ServiceError(
            _("This relation is already recorded and has not ended."), field="enterprise"
        )
    conflict = ConflictRelation(
        unit=unit,
        enterprise=enterprise,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        note=(note or "").strip(),
        created_by=actor,
    )
    conflict.full_clean()
    conflict.save()
    audit.record(
        actor=actor,
        action="conflict.create",
        obj=conflict,
        after=audit.snapshot(
            conflict, ["unit", "enterprise", "kind", "started_on", "ended_on", "note"]
        ),
    )
    return conflict


@transaction.atomic
def conflict_end(
    *, actor: User | None, conflict: ConflictRelation, ended_on: datetime.date | None = None
) -> ConflictRelation:
    locked = ConflictRelation.objects.select_for_update().get(pk=conflict.pk)
    if locked.ended_on is not None:
        raise ServiceError(
            _("This relation already ended on %(date)s.") % {"date": locked.ended_on.isoformat()},
            field="ended_on",
        )
    ended_on = ended_on or timezone.localdate()
    if ended_on < locked.started_on:
        raise ServiceError(_("The end date comes before the start date."), field="ended_on")
    locked.ended_on = ended_on
    locked.save(update_fields=["ended_on"])
    audit.record(
        actor=actor,
        action="conflict.end",
        obj=locked,
        before={"ended_on": None},
        after={"ended_on": ended_on.isoformat()},
    )
    conflict.ended_on = ended_on
    return conflict
