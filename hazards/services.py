"""Writing the hazard ledger: recording a hazard, its moves (declared in
hazards/workflow.py), deadline extensions and photos.

Each write locks the hazard row, guards who acts and on what, writes with
update_fields and records one timeline event and one audit row; a refusal raises
(ServiceError for bad input, HazardForbidden for the wrong organisation or role,
HazardConflict when the hazard has moved on) and writes nothing. Notifications go
out after commit. Who may act is decided in hazards/actors.py (re-exported here).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enterprises.models import Enterprise
from hazards.actors import acts_as_any as acts_as_any
from hazards.actors import can_perform as can_perform
from hazards.actors import from_order as from_order
from hazards.actors import may_record as may_record
from hazards.actors import office_oversees as office_oversees
from hazards.actors import refusal
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import (
    CatalogueItem,
    CatalogueVersion,
    Hazard,
    HazardCounter,
    HazardEvent,
    HazardExtension,
    HazardPhoto,
)
from hazards.selectors import items_for
from hazards.workflow import (
    EXTEND_DEADLINE_ACTORS,
    INITIAL,
    TRANSITIONS,
    Transition,
)
from portal import audit
from portal.errors import ServiceError
from portal.files import check_document, store_upload
from portal.models import Organisation, OrganisationKind, User
from portal.notify import label, message, notify_after_commit
from reviews.models import Criterion
from reviews.selectors import applicable_versions

# What a hazard is recorded with (besides the enterprise), and which of it is required.
RECORD_FIELDS = (
    "found_on",
    "source",
    "location",
    "description",
    "category",
    "specialty",
    "basis",
    "criterion",
    "grade",
    "major_basis",
    "accident_type",
    "measures",
    "responsible_department",
    "responsible_person",
    "funds",
    "deadline",
    "interim_measures",
)
REQUIRED = ("found_on", "source", "location", "description", "category", "deadline")
PHOTO_TYPES = ("jpg", "png")


# Small helpers -------------------------------------------------------------


def _date(value: object, name: str, *, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ServiceError(_("Give the date."), field=name)
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ServiceError(_("Give the date as YYYY-MM-DD."), field=name) from None


def _not_future(value: datetime.date, name: str) -> None:
    if value > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field=name)


def _next_number(key: str) -> int:
    """The next number of a gap-free sequence: the counter row is incremented in
    the database (UPDATE … SET value = value + 1), which locks it until the
    surrounding transaction ends; never derived from existing rows (max()+1)."""
    HazardCounter.objects.get_or_create(key=key)
    HazardCounter.objects.filter(key=key).update(value=F("value") + 1)
    return HazardCounter.objects.get(key=key).value


def _district_ids(hazard: Hazard) -> list[int]:
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.DISTRICT, region_id=hazard.region_id
        ).values_list("pk", flat=True)
    )


def _notify(hazard: Hazard) -> None:
    """The enterprise hears of every change; the district of major hazards'."""
    text = message(
        gettext_noop("%(enterprise)s · hazard %(number)s: %(status)s"),
        enterprise=hazard.enterprise.name,
        number=hazard.number,
        status=label(Hazard.Status, hazard.status),
    )
    recipients: list[int | None] = [hazard.enterprise.account_id]
    if hazard.grade == Hazard.Grade.MAJOR:
        recipients += _district_ids(hazard)
    notify_after_commit(recipients, text)


def _event(hazard: Hazard, move: str, before: str, actor: User, comment: str) -> None:
    HazardEvent.objects.create(
        hazard=hazard,
        move=move,
        from_status=before,
        to_status=hazard.status,
        actor=actor,
        organisation_id=actor.organisation_id,
        comment=comment,
    )


def _locked(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_related("enterprise").select_for_update().get(pk=hazard.pk)


# Recording -----------------------------------------------------------------


def _check_major_basis(item: CatalogueItem, enterprise: Enterprise) -> None:
    version = item.version
    if version.status != CatalogueVersion.Status.PUBLISHED:
        raise ServiceError(
            _("“%(version)s” is no longer in force; choose an item of the current catalogue.")
            % {"version": version},
            field="major_basis",
        )
    if not items_for(enterprise).filter(pk=item.pk).exists():
        raise ServiceError(
            _("“%(catalogue)s” does not apply to this enterprise's industry.")
            % {"catalogue": version.catalogue},
            field="major_basis",
        )


def _check_criterion(criterion: Criterion, enterprise: Enterprise) -> None:
    if criterion.version_id not in {version.pk for version in applicable_versions(enterprise)}:
        raise ServiceError(
            _("The criterion is not in a standard in force for this enterprise."),
            field="criterion",
        )


def _label(name: str) -> str:
    model_field = Hazard._meta.get_field(name)
    return str(getattr(model_field, "verbose_name", name))


def _clean(hazard: Hazard) -> None:
    """The model's own checks (choices, lengths, numbers) as a ServiceError."""
    try:
        hazard.full_clean(exclude=["number"], validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ServiceError(f"{_label(name)}: {messages[0]}", field=name) from None


@transaction.atomic
def hazard_record(
    *,
    actor: User,
    enterprise: Enterprise,
    by_office: bool = False,
    notify: bool = True,
    **fields: Any,
) -> Hazard:
    """Record a hazard in the enterprise's ledger, numbered <USCC>-<year>-<00001>
    (the year it was found, gap-free per enterprise and year). A major hazard
    needs its 判定依据 (an item of a catalogue in force for the enterprise's
    industry); choosing one makes the hazard major. ``by_office``: an item of a
    government order or a confirmed tip-off (may_record); ``notify=False``: the
    caller tells of many rows at once (the import)."""
    if not may_record(actor, enterprise, by_office=by_office):
        raise HazardForbidden(_("Your organisation cannot record hazards for this enterprise."))
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise ServiceError(
            _("Unknown field “%(name)s”.") % {"name": sorted(unknown)[0]}, field=sorted(unknown)[0]
        )
    for name in REQUIRED:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ServiceError(
                _("%(field)s is required.") % {"field": _label(name).capitalize()},
                field=name,
            )
    found_on = _date(fields["found_on"], "found_on")
    deadline = _date(fields["deadline"], "deadline")
    assert found_on is not None and deadline is not None  # required above
    _not_future(found_on, "found_on")
    if deadline < found_on:
        raise ServiceError(
            _("The deadline cannot be before the day the hazard was found (%(date)s).")
            % {"date": found_on.isoformat()},
            field="deadline",
        )
    major_basis = fields.get("major_basis")
    grade = fields.get("grade") or (Hazard.Grade.MAJOR if major_basis else Hazard.Grade.GENERAL)
    if grade == Hazard.Grade.MAJOR and major_basis is None:
        raise ServiceError(
            _("A major hazard needs its basis (判定依据) from the major-hazard catalogue."),
            field="major_basis",
        )
    if grade == Hazard.Grade.GENERAL and major_basis is not None:
        raise ServiceError(
            _("A hazard that meets an item of the major-hazard catalogue is major."),
            field="grade",
        )
    if major_basis is not None:
        if not isinstance(major_basis, CatalogueItem):
            raise ServiceError(_("Choose an item of the catalogue."), field="major_basis")
        _check_major_basis(major_basis, enterprise)
    criterion = fields.get("criterion")
    if criterion is not None:
        if not isinstance(criterion, Criterion):
            raise ServiceError(_("Choose a criterion of the standard."), field="criterion")
        _check_criterion(criterion, enterprise)

    values = {name: fields[name] for name in RECORD_FIELDS if fields.get(name) is not None}
    values.update(found_on=found_on, deadline=deadline, grade=grade)
    hazard = Hazard(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        street_id=enterprise.street_id,
        industry_id=enterprise.industry_id,
        status=INITIAL.get(grade, Hazard.Status.PENDING),
        created_by=actor,
        **values,
    )
    _clean(hazard)
    # Numbered last: every check above has passed, and a rollback returns the number.
    sequence = _next_number(f"{enterprise.uscc}-{found_on.year}")
    hazard.number = f"{enterprise.uscc}-{found_on.year}-{sequence:05d}"
    hazard.save()
    _event(hazard, "record", "", actor, "")
    audit.record(
        actor=actor,
        action="hazard.record",
        obj=hazard,
        after=audit.snapshot(hazard, ["number", "status", *values]),
    )
    if notify:
        _notify(hazard)
    return hazard


# Moves ---------------------------------------------------------------------


@dataclass
class Move:
    """One move in progress: what perform() and the move's PREPARE step share."""

    actor: User
    hazard: Hazard
    transition: Transition
    comment: str
    data: dict[str, Any]
    fields: list[str] = field(default_factory=lambda: ["status", "status_changed_at", "updated_at"])
    details: dict[str, Any] = field(default_factory=dict)  # extra audit data


@functools.cache
def hook(path: str) -> Callable[[Move], None]:
    """The function a declaration names by its dotted path."""
    function: Callable[[Move], None] = import_string(path)
    return function


def _conflict_message(hazard: Hazard) -> str:
    last = hazard.events.select_related("actor", "organisation").last()
    if last is None:
        return _("The hazard is now “%(status)s”; this step is not open.") % {
            "status": hazard.get_status_display()
        }
    return _("%(who)s (%(org)s) already moved this hazard to “%(status)s” at %(when)s.") % {
        "who": last.actor.get_full_name() or last.actor.username,
        "org": last.organisation or "—",
        "status": hazard.get_status_display(),
        "when": timezone.localtime(last.created_at).strftime("%Y-%m-%d %H:%M"),
    }


@transaction.atomic
def perform(
    *,
    actor: User,
    hazard: Hazard,
    move: str,
    comment: str = "",
    notify: bool = True,
    **data: Any,
) -> Hazard:
    """Carry out one declared move. Raises HazardForbidden when the actor may not
    make it on this hazard (checked first, so an outsider learns nothing of the
    hazard), HazardConflict when the hazard is not where the move starts,
    ServiceError for bad input. ``data`` carries what the move's PREPARE step
    reads (completion date, measures)."""
    declared = TRANSITIONS.get(move)
    if declared is None:
        raise ServiceError(_("Unknown step “%(name)s”.") % {"name": move})
    # Lock first: of two people acting at once, the second waits here and then
    # finds the state already changed.
    hazard = _locked(hazard)
    if not acts_as_any(actor, hazard, declared.actors):
        raise HazardForbidden(refusal(actor, hazard, declared))
    if hazard.status not in declared.sources or hazard.grade != declared.grade:
        raise HazardConflict(_conflict_message(hazard))
    current = Move(
        actor=actor,
        hazard=hazard,
        transition=declared,
        comment=(comment or "").strip(),
        data=data,
    )
    if declared.needs_comment and not current.comment:
        raise ServiceError(
            _("Give the reasons or the verdict; it is kept on record."), field="comment"
        )
    if declared.prepare:
        hook(declared.prepare)(current)
    if declared.comment_field:
        setattr(hazard, declared.comment_field, current.comment)
        current.fields.append(declared.comment_field)
    before = hazard.status
    hazard.status = declared.target
    hazard.status_changed_at = timezone.now()
    hazard.save(update_fields=current.fields)
    _event(hazard, declared.name, before, actor, current.comment)
    audit.record(
        actor=actor,
        action=f"hazard.{declared.name}",
        obj=hazard,
        before={"status": before},
        after={
            "status": declared.target,
            **({"comment": current.comment} if current.comment else {}),
            **current.details,
        },
    )
    if notify:
        _notify(hazard)
    return hazard


def _not_the_rectifier(move: Move) -> None:
    if move.hazard.rectified_by_id == move.actor.pk:
        raise ServiceError(
            _("The acceptance is made by someone other than the person who rectified the hazard."),
            field="actor",
        )


def _completed_on(move: Move) -> datetime.date:
    completed_on = _date(move.data.get("completed_on"), "completed_on")
    assert completed_on is not None  # required
    _not_future(completed_on, "completed_on")
    if completed_on < move.hazard.found_on:
        raise ServiceError(
            _("The work cannot be completed before the hazard was found (%(date)s).")
            % {"date": move.hazard.found_on.isoformat()},
            field="completed_on",
        )
    return completed_on


def prepare_submit_for_acceptance(move: Move) -> None:
    """Needs the completion date and the measures taken; the actor is the rectifier."""
    hazard = move.hazard
    completed_on = _completed_on(move)
    measures = str(move.data.get("measures") or hazard.measures or "").strip()
    if not measures:
        raise ServiceError(_("Describe the measures taken."), field="measures")
    hazard.completed_on, hazard.measures, hazard.rectified_by = completed_on, measures, move.actor
    move.fields += ["completed_on", "measures", "rectified_by"]
    move.details.update(completed_on=completed_on.isoformat(), rectified_by=move.actor.pk)


def prepare_accept(move: Move) -> None:
    _not_the_rectifier(move)
    hazard = move.hazard
    hazard.accepted_by, hazard.closed_on = move.actor, timezone.localdate()
    move.fields += ["accepted_by", "closed_on"]
    move.details.update(closed_on=hazard.closed_on.isoformat())


def prepare_reject_acceptance(move: Move) -> None:
    """A failed acceptance reopens the rectification; the next submission gives
    its own completion date."""
    _not_the_rectifier(move)
    move.hazard.completed_on = None
    move.fields.append("completed_on")


def prepare_evaluate(move: Move) -> None:
    """The treatment's completion date; the evaluation's conclusion is the comment."""
    hazard = move.hazard
    completed_on = _completed_on(move)
    hazard.completed_on, hazard.rectified_by = completed_on, move.actor
    move.fields += ["completed_on", "rectified_by"]
    move.details.update(completed_on=completed_on.isoformat())


def prepare_close(move: Move) -> None:
    hazard = move.hazard
    hazard.accepted_by, hazard.closed_on = move.actor, timezone.localdate()
    move.fields += ["accepted_by", "closed_on"]
    move.details.update(closed_on=hazard.closed_on.isoformat())


# Beside the moves ----------------------------------------------------------


@transaction.atomic
def extend_deadline(
    *, actor: User, hazard: Hazard, new_deadline: object, reason: str
) -> HazardExtension:
    """A later deadline for an open hazard, with the reason; the actor (the
    enterprise's principal, or the district) is recorded as its approver. The
    state does not change."""
    hazard = _locked(hazard)
    if not acts_as_any(actor, hazard, EXTEND_DEADLINE_ACTORS):
        raise HazardForbidden(
            _("Only the enterprise's principal or the district may extend a deadline.")
        )
    if not hazard.is_open:
        raise HazardConflict(_("The hazard is closed; its deadline no longer changes."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the extension."), field="reason")
    deadline = _date(new_deadline, "new_deadline")
    assert deadline is not None  # required
    if deadline <= hazard.deadline:
        raise ServiceError(
            _("The new deadline must be after the current one (%(date)s).")
            % {"date": hazard.deadline.isoformat()},
            field="new_deadline",
        )
    extension = HazardExtension.objects.create(
        hazard=hazard,
        reason=reason,
        old_deadline=hazard.deadline,
        new_deadline=deadline,
        approved_by=actor,
    )
    before = hazard.deadline
    hazard.deadline = deadline
    hazard.save(update_fields=["deadline", "updated_at"])
    _event(hazard, "extend_deadline", hazard.status, actor, reason)
    audit.record(
        actor=actor,
        action="hazard.extend_deadline",
        obj=hazard,
        before={"deadline": before.isoformat()},
        after={"deadline": deadline.isoformat(), "reason": reason, "extension": extension.pk},
    )
    _notify(hazard)
    return extension


@transaction.atomic
def photo_add(
    *, actor: User, hazard: Hazard, kind: str, upload: UploadedFile[bytes]
) -> HazardPhoto:
    """A JPG or PNG photo of the hazard before or after rectification, checked by
    its content, up to settings.HAZARD_PHOTO_MAX_BYTES; by whoever may record
    hazards for the enterprise, while the hazard is open."""
    hazard = _locked(hazard)
    if not may_record(actor, hazard.enterprise):
        raise HazardForbidden(_("Your organisation cannot add photos to this hazard."))
    if not hazard.is_open:
        raise HazardConflict(_("The hazard is closed; its record no longer changes."))
    if kind not in HazardPhoto.Kind.values:
        raise ServiceError(_("Say whether the photo is from before or after."), field="kind")
    detected = check_document(upload, settings.HAZARD_PHOTO_MAX_BYTES)
    if detected not in PHOTO_TYPES:
        raise ServiceError(
            _("“%(name)s” is not a JPG or PNG photo (checked from its content).")
            % {"name": upload.name},
            field="file",
        )
    photo = store_upload(
        HazardPhoto(hazard=hazard, kind=kind), upload, detected=detected, uploaded_by=actor
    )
    audit.record(
        actor=actor,
        action="hazard.photo.add",
        obj=hazard,
        after={
            "photo": photo.pk,
            "kind": kind,
            "file": photo.original_name,
            "sha256": photo.sha256,
        },
    )
    return photo
