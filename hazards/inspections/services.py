"""Writing inspection records (检查记录): starting one from a plan, answering each
checklist item (符合/隐患/不适用, with a note, photos and, for a 隐患, what its
ledger row needs), each participant confirming their participation (签字), and
completing the record, which opens one ledger row per 隐患 result through
hazards.services.hazard_record, all or none.

Principal-led (主要负责人带队): a record is principal-led when its leader is the
enterprise's principal (its account's organisation admin); a plan of the kind
"principal-led" only takes records the principal leads, so every record of that
kind counts as principal-led too. The ledger rows it opens have the source
主要负责人带队, the others 自查.

Each write locks the record row (so answers, confirmations and the completion
never interleave), checks who acts, records one audit row; a refusal raises
(ServiceError for bad input, HazardForbidden for the wrong organisation or
person, HazardConflict for a record already completed) and writes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hazards import services as ledger
from hazards.errors import HazardConflict, HazardForbidden
from hazards.inspections.selectors import (
    enterprise_users,
    is_principal,
    may_manage,
    plan_criteria,
    plan_items,
)
from hazards.models import (
    CatalogueVersion,
    Hazard,
    HazardPhoto,
    InspectionKind,
    InspectionParticipant,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
)
from portal import audit
from portal.errors import ServiceError
from portal.files import check_document, store_upload
from portal.models import User
from reviews.models import StandardVersion

PHOTO_TYPES = ("jpg", "png")
# A judgment call: enough for any one checklist item, and a bound on storage.
MAX_PHOTOS_PER_ITEM = 10
Outcome = InspectionResult.Outcome


class ResultRefused(ServiceError):
    """Completion refused because of one 隐患 result: names the result."""

    def __init__(self, message: str, *, result: InspectionResult) -> None:
        super().__init__(message, field="results")
        self.result_id = result.pk


def item_code(result: InspectionResult) -> str:
    """How a checklist item is named in messages: its code."""
    if result.criterion is not None:
        return str(result.criterion.code)
    assert result.catalogue_item is not None  # inspection_result_one_item
    return str(result.catalogue_item.code)


def _locked(record: InspectionRecord) -> InspectionRecord:
    return (
        InspectionRecord.objects.select_related("enterprise", "plan")
        .select_for_update(of=("self",))
        .get(pk=record.pk)
    )


def _writable(actor: User, record: InspectionRecord) -> None:
    if not may_manage(actor, record.enterprise):
        raise HazardForbidden(_("Your organisation cannot record this enterprise's inspections."))
    if record.status != InspectionRecord.Status.DRAFT:
        raise HazardConflict(_("The inspection is completed; its record no longer changes."))


def _date(value: object, name: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ServiceError(_("Give the date as YYYY-MM-DD."), field=name) from None


# Starting ------------------------------------------------------------------


def _check_people(
    enterprise_users_: list[User], leader: object, participants: Iterable[object]
) -> list[User]:
    allowed = {user.pk for user in enterprise_users_}
    if not isinstance(leader, User) or leader.pk not in allowed:
        raise ServiceError(_("The leader is one of the enterprise's own users."), field="leader")
    people: list[User] = [leader]
    for person in participants:
        if not isinstance(person, User) or person.pk not in allowed:
            raise ServiceError(
                _("Participants are chosen among the enterprise's own users."),
                field="participants",
            )
        if person.pk not in {p.pk for p in people}:
            people.append(person)
    return people


def _check_checklist_in_force(plan: InspectionPlan) -> None:
    if plan.checklist == InspectionPlan.Checklist.STANDARD:
        version = plan.standard_version
        if version is None or version.status != StandardVersion.Status.PUBLISHED:
            raise ServiceError(
                _("The plan's standard version is no longer in force; pin the current one."),
                field="plan",
            )
    else:
        catalogue = plan.catalogue_version
        if catalogue is None or catalogue.status != CatalogueVersion.Status.PUBLISHED:
            raise ServiceError(
                _("The plan's catalogue version is no longer in force; choose the current one."),
                field="plan",
            )


@transaction.atomic
def record_start(
    *,
    actor: User,
    plan: InspectionPlan,
    inspected_on: object,
    leader: object,
    participants: Iterable[object] = (),
    notes: str = "",
) -> InspectionRecord:
    """A new inspection record from an active plan, with one unanswered row per
    checklist item. The leader is always a participant; every participant
    confirms their participation before the record is completed."""
    plan = (
        InspectionPlan.objects.select_related("enterprise", "standard_version", "catalogue_version")
        .select_for_update(of=("self",))
        .get(pk=plan.pk)
    )
    enterprise = plan.enterprise
    if not may_manage(actor, enterprise):
        raise HazardForbidden(_("Your organisation cannot record this enterprise's inspections."))
    if not plan.active:
        raise HazardConflict(_("The plan is no longer active; no inspection starts from it."))
    if inspected_on in (None, ""):
        raise ServiceError(_("Give the date."), field="inspected_on")
    day = _date(inspected_on, "inspected_on")
    if day > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="inspected_on")
    people = _check_people(list(enterprise_users(enterprise)), leader, participants)
    head = people[0]
    principal_led = is_principal(head, enterprise)
    if plan.kind == InspectionKind.PRINCIPAL_LED and not principal_led:
        raise ServiceError(
            _(
                "A principal-led inspection is led by the enterprise's principal "
                "(its organisation admin)."
            ),
            field="leader",
        )
    notes = (notes or "").strip()
    if len(notes) > 4000:
        raise ServiceError(_("The notes are at most 4000 characters."), field="notes")
    _check_checklist_in_force(plan)
    record = InspectionRecord.objects.create(
        plan=plan,
        enterprise=enterprise,
        kind=plan.kind,
        principal_led=principal_led,
        inspected_on=day,
        leader=head,
        notes=notes,
        created_by=actor,
    )
    InspectionParticipant.objects.bulk_create(
        InspectionParticipant(record=record, user=person) for person in people
    )
    if plan.checklist == InspectionPlan.Checklist.STANDARD:
        rows = [InspectionResult(record=record, criterion=c) for c in plan_criteria(plan)]
    else:
        rows = [InspectionResult(record=record, catalogue_item=i) for i in plan_items(plan)]
    if not rows:
        raise ServiceError(_("The plan's checklist is empty."), field="plan")
    InspectionResult.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="inspection.start",
        obj=record,
        after={
            **audit.snapshot(record, ["plan", "kind", "principal_led", "inspected_on", "leader"]),
            "participants": [person.pk for person in people],
            "items": len(rows),
        },
    )
    return record


# Answering -----------------------------------------------------------------


def _text(value: object, name: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ServiceError(_("At most %(limit)d characters.") % {"limit": limit}, field=name)
    return text


@transaction.atomic
def result_save(
    *,
    actor: User,
    result: InspectionResult,
    outcome: str,
    note: str = "",
    location: str = "",
    category: str = "",
    deadline: object = None,
) -> InspectionResult:
    """The answer to one checklist item. A 隐患 needs what its ledger row is
    recorded with: the description (the note), the location or equipment, the
    category and the deadline (not before the inspection day)."""
    record = _locked(result.record)
    _writable(actor, record)
    result = InspectionResult.objects.select_for_update().get(pk=result.pk, record=record)
    if outcome not in Outcome.values:
        raise ServiceError(_("Choose 符合, 隐患 or 不适用."), field="outcome")
    note = _text(note, "note", 2000)
    location = _text(location, "location", 200)
    day: datetime.date | None = None
    if outcome == Outcome.HAZARD:
        if not note:
            raise ServiceError(_("Describe the hazard in the note."), field="note")
        if not location:
            raise ServiceError(_("Give the hazard's location or equipment."), field="location")
        if category not in Hazard.Category.values:
            raise ServiceError(_("Choose the hazard's category."), field="category")
        if deadline in (None, ""):
            raise ServiceError(_("Give the deadline for rectifying it."), field="deadline")
        day = _date(deadline, "deadline")
        if day < record.inspected_on:
            raise ServiceError(
                _("The deadline cannot be before the inspection (%(date)s).")
                % {"date": record.inspected_on.isoformat()},
                field="deadline",
            )
    elif category and category not in Hazard.Category.values:
        raise ServiceError(_("Choose the hazard's category."), field="category")
    fields = ["outcome", "note", "location", "category", "deadline"]
    before = audit.snapshot(result, fields)
    result.outcome, result.note, result.location = outcome, note, location
    result.category = category if outcome == Outcome.HAZARD else ""
    result.deadline = day
    result.save(update_fields=fields)
    old, new = audit.changed(before, audit.snapshot(result, fields))
    if new:
        audit.record(
            actor=actor,
            action="inspection.result",
            obj=record,
            before=old,
            after={"result": result.pk, **new},
        )
    return result


@transaction.atomic
def photo_add(
    *, actor: User, result: InspectionResult, upload: UploadedFile[bytes]
) -> InspectionPhoto:
    """A JPG or PNG photo of one checklist item, checked by its content, up to
    settings.HAZARD_PHOTO_MAX_BYTES; a 隐患's photos go to its ledger row."""
    record = _locked(result.record)
    _writable(actor, record)
    if InspectionPhoto.objects.filter(result=result).count() >= MAX_PHOTOS_PER_ITEM:
        raise ServiceError(
            _("An item has at most %(n)d photos.") % {"n": MAX_PHOTOS_PER_ITEM}, field="file"
        )
    detected = check_document(upload, settings.HAZARD_PHOTO_MAX_BYTES)
    if detected not in PHOTO_TYPES:
        raise ServiceError(
            _("“%(name)s” is not a JPG or PNG photo (checked from its content).")
            % {"name": upload.name},
            field="file",
        )
    photo = store_upload(
        InspectionPhoto(record=record, result=result), upload, detected=detected, uploaded_by=actor
    )
    audit.record(
        actor=actor,
        action="inspection.photo.add",
        obj=record,
        after={
            "result": result.pk,
            "photo": photo.pk,
            "file": photo.original_name,
            "sha256": photo.sha256,
        },
    )
    return photo


@transaction.atomic
def participation_confirm(*, actor: User, record: InspectionRecord) -> InspectionParticipant:
    """The participant confirms, themselves, having taken part (签字)."""
    record = _locked(record)
    participant = InspectionParticipant.objects.filter(record=record, user=actor).first()
    if participant is None or not actor.can_act:
        raise HazardForbidden(_("Only a participant confirms their own participation."))
    if record.status != InspectionRecord.Status.DRAFT:
        raise HazardConflict(_("The inspection is completed; its record no longer changes."))
    if participant.confirmed_at is not None:
        raise HazardConflict(
            _("You confirmed your participation at %(when)s.")
            % {"when": timezone.localtime(participant.confirmed_at).strftime("%Y-%m-%d %H:%M")}
        )
    participant.confirmed_at = timezone.now()
    participant.save(update_fields=["confirmed_at"])
    audit.record(
        actor=actor,
        action="inspection.confirm",
        obj=record,
        after={"participant": actor.pk, "confirmed_at": participant.confirmed_at.isoformat()},
    )
    return participant


# Completing ----------------------------------------------------------------


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _check_complete(record: InspectionRecord) -> list[InspectionResult]:
    """Every item answered and every participant confirmed; the 隐患 results."""
    results = list(
        record.results.select_related("criterion", "catalogue_item__version").order_by("pk")
    )
    missing = [item_code(r) for r in results if not r.outcome]
    if missing:
        shown = ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")
        raise ServiceError(
            ngettext(
                "%(n)d item is not answered yet: %(codes)s.",
                "%(n)d items are not answered yet: %(codes)s.",
                len(missing),
            )
            % {"n": len(missing), "codes": shown},
            field="results",
        )
    waiting = [
        _name(p.user)
        for p in record.participants.select_related("user").order_by("pk")
        if p.confirmed_at is None
    ]
    if waiting:
        raise ServiceError(
            _("Not yet confirmed by: %(names)s.") % {"names": ", ".join(waiting)},
            field="participants",
        )
    return [r for r in results if r.outcome == Outcome.HAZARD]


def _open_hazard(actor: User, record: InspectionRecord, result: InspectionResult) -> Hazard:
    source = Hazard.Source.PRINCIPAL if record.principal_led else Hazard.Source.SELF
    fields: dict[str, Any] = {
        "found_on": record.inspected_on,
        "source": source,
        "location": result.location,
        "description": result.note,
        "category": result.category,
        "deadline": result.deadline,
    }
    if result.criterion is not None:
        fields.update(criterion=result.criterion, basis=result.criterion.code)
    else:
        fields.update(major_basis=result.catalogue_item, grade=Hazard.Grade.MAJOR)
    hazard = ledger.hazard_record(actor=actor, enterprise=record.enterprise, **fields)
    for photo in result.photos.order_by("pk"):
        try:
            with photo.file.open("rb") as stored:
                content = stored.read()
        except OSError:
            raise ServiceError(
                _("The photo “%(name)s” is missing from storage; remove it or upload it again.")
                % {"name": photo.original_name}
            ) from None
        ledger.photo_add(
            actor=actor,
            hazard=hazard,
            kind=HazardPhoto.Kind.BEFORE,
            upload=SimpleUploadedFile(photo.original_name, content, photo.content_type),
        )
    return hazard


@transaction.atomic
def record_complete(*, actor: User, record: InspectionRecord) -> InspectionRecord:
    """Completes the record: every item answered, every participant confirmed.
    Then each 隐患 result opens a ledger row (its photos as "before" photos),
    linked through InspectionResult.hazard. One refused row refuses the whole
    completion (ResultRefused names it) and nothing is written."""
    record = _locked(record)
    _writable(actor, record)
    hazard_results = _check_complete(record)
    opened: list[int] = []
    for result in hazard_results:
        try:
            hazard = _open_hazard(actor, record, result)
        except ServiceError as error:
            raise ResultRefused(
                _("Item %(code)s: %(message)s")
                % {"code": item_code(result), "message": error.message},
                result=result,
            ) from None
        result.hazard = hazard
        result.save(update_fields=["hazard"])
        opened.append(hazard.pk)
    record.status = InspectionRecord.Status.COMPLETED
    record.completed_at = timezone.now()
    record.save(update_fields=["status", "completed_at"])
    audit.record(
        actor=actor,
        action="inspection.complete",
        obj=record,
        before={"status": InspectionRecord.Status.DRAFT},
        after={"status": record.status, "hazards": opened},
    )
    return record
