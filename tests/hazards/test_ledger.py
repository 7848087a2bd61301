"""Recording hazards, their numbers, the rules of the moves, extensions, photos and
scope: bad input gets a clear message naming the field and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from hazards import services
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import (
    CatalogueVersion,
    Hazard,
    HazardCounter,
    HazardEvent,
    HazardExtension,
    HazardPhoto,
)
from portal.errors import ServiceError
from portal.models import AuditEvent, Industry, User
from reviews.models import StandardVersion
from tests.cast import make_user
from tests.certification.factories import make_tiered_version
from tests.hazards.factories import JPG, PDF, PNG, catalogue_item, fields, record
from tests.hazards.supervision.world import report_and_plan

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def written() -> tuple[int, int, int, int]:
    """Everything a refused write must leave alone."""
    return (
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        AuditEvent.objects.count(),
        sum(HazardCounter.objects.values_list("value", flat=True)),
    )


def refused(call, field: str | None = None, error=ServiceError) -> str:
    before = written()
    with translation.override("en"), pytest.raises(error) as caught:
        call()
    assert written() == before
    if field is not None:
        assert caught.value.field == field
    return str(caught.value.message)


# Recording and numbering -----------------------------------------------------


def test_a_recorded_hazard_is_numbered_copies_the_registry_and_is_audited(cast):
    hazard = record(cast)
    year = hazard.found_on.year
    assert hazard.number == f"{cast.ent.uscc}-{year}-00001"
    assert (hazard.region, hazard.street, hazard.industry) == (
        cast.ent.region,
        cast.ent.street,
        cast.ent.industry,
    )
    assert hazard.status == Hazard.Status.PENDING and hazard.created_by == cast.enterprise
    event = hazard.events.get()
    assert (event.move, event.from_status, event.to_status) == ("record", "", "pending")
    audit = AuditEvent.objects.get(action="hazard.record")
    assert audit.object_id == str(hazard.pk) and audit.after["number"] == hazard.number


def test_a_major_hazard_starts_reported_and_choosing_a_basis_makes_it_major(cast):
    hazard = services.hazard_record(
        actor=cast.enterprise, enterprise=cast.ent, **fields(major_basis=catalogue_item())
    )
    assert (hazard.grade, hazard.status) == (Hazard.Grade.MAJOR, Hazard.Status.REPORTED)


def test_numbers_are_gap_free_per_enterprise_and_year(cast):
    last_year = TODAY().replace(year=TODAY().year - 1, month=12, day=1)
    first = record(cast)
    # A refused record in between does not use a number.
    refused(
        lambda: record(cast, deadline=TODAY() - datetime.timedelta(days=30)),
        field="deadline",
    )
    second = record(cast, actor=cast.enterprise_staff)
    old = record(cast, found_on=last_year, deadline=last_year)
    other = services.hazard_record(
        actor=cast.other_enterprise, enterprise=cast.other_ent, **fields()
    )
    year = TODAY().year
    assert [first.number, second.number] == [
        f"{cast.ent.uscc}-{year}-00001",
        f"{cast.ent.uscc}-{year}-00002",
    ]
    assert old.number == f"{cast.ent.uscc}-{year - 1}-00001"
    assert other.number == f"{cast.other_ent.uscc}-{year}-00001"


RECORDERS = {"enterprise", "enterprise_staff", "group", "district", "district_staff"}


@pytest.mark.parametrize(
    "role",
    sorted(
        RECORDERS
        | {
            "city",
            "other_district",
            "street",
            "regulator",
            "association",
            "reviewer",
            "other_enterprise",
            "pending",
            "rejected",
        }
    ),
)
def test_who_may_record_a_hazard(cast, role):
    user = getattr(cast, role, None)
    if user is None:
        pytest.skip(f"no {role} in this cast")
    if role in RECORDERS:
        assert record(cast, actor=user).created_by == user
    else:
        refused(lambda: record(cast, actor=user), error=HazardForbidden)


def test_a_deadline_before_the_discovery_is_refused(cast):
    found = TODAY() - datetime.timedelta(days=3)
    message = refused(
        lambda: record(cast, found_on=found, deadline=found - datetime.timedelta(days=1)),
        field="deadline",
    )
    assert found.isoformat() in message


def test_a_hazard_found_in_the_future_is_refused(cast):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    refused(lambda: record(cast, found_on=tomorrow, deadline=tomorrow), field="found_on")


def test_a_major_hazard_needs_its_basis(cast):
    message = refused(
        lambda: record(cast, grade=Hazard.Grade.MAJOR, major_basis=None), "major_basis"
    )
    assert "basis" in message


def test_a_general_hazard_with_a_basis_is_refused(cast):
    item = catalogue_item()
    refused(
        lambda: services.hazard_record(
            actor=cast.enterprise,
            enterprise=cast.ent,
            **fields(grade=Hazard.Grade.GENERAL, major_basis=item),
        ),
        "grade",
    )


def test_the_basis_must_be_in_force_and_fit_the_industry(cast):
    retired = catalogue_item(status=CatalogueVersion.Status.RETIRED)
    refused(lambda: record(cast, major_basis=retired), "major_basis")
    construction = Industry.objects.get(code="construction")
    other_sector = catalogue_item(industries=[construction], code="construction")
    refused(lambda: record(cast, major_basis=other_sector), "major_basis")
    fitting = catalogue_item(industries=[cast.ent.industry], code="machinery")
    assert record(cast, major_basis=fitting).major_basis == fitting


def test_a_cited_criterion_must_be_in_a_standard_in_force_for_the_enterprise(cast):
    version = make_tiered_version()
    criterion = version.criteria.first()
    assert record(cast, criterion=criterion).criterion == criterion
    StandardVersion.objects.filter(pk=version.pk).update(status=StandardVersion.Status.RETIRED)
    refused(lambda: record(cast, criterion=criterion), "criterion")


def test_missing_and_bad_fields_are_named(cast):
    refused(lambda: record(cast, location=""), "location")
    refused(lambda: record(cast, source="rumour"), "source")
    refused(lambda: record(cast, status="closed"), "status")  # not a recorded field


# The moves' own rules ----------------------------------------------------------


def awaiting_acceptance(cast) -> Hazard:
    hazard = record(cast)
    services.perform(actor=cast.enterprise_staff, hazard=hazard, move="start")
    return services.perform(
        actor=cast.enterprise_staff,
        hazard=hazard,
        move="submit_for_acceptance",
        completed_on=TODAY(),
        measures="更换光电保护装置",
    )


def test_submitting_for_acceptance_needs_the_completion_date_and_measures(cast):
    hazard = record(cast)
    services.perform(actor=cast.enterprise_staff, hazard=hazard, move="start")
    submit = "submit_for_acceptance"
    refused(
        lambda: services.perform(actor=cast.enterprise_staff, hazard=hazard, move=submit),
        "completed_on",
    )
    refused(
        lambda: services.perform(
            actor=cast.enterprise_staff, hazard=hazard, move=submit, completed_on=TODAY()
        ),
        "measures",
    )
    before_found = hazard.found_on - datetime.timedelta(days=1)
    refused(
        lambda: services.perform(
            actor=cast.enterprise_staff,
            hazard=hazard,
            move=submit,
            completed_on=before_found,
            measures="更换",
        ),
        "completed_on",
    )
    hazard = awaiting_acceptance(cast)
    assert hazard.rectified_by == cast.enterprise_staff and hazard.completed_on == TODAY()


def test_the_rectifier_cannot_accept_or_reject_their_own_work(cast):
    hazard = awaiting_acceptance(cast)
    for move in ("accept", "reject_acceptance"):
        message = refused(
            lambda move=move: services.perform(
                actor=cast.enterprise_staff, hazard=hazard, move=move, comment="合格"
            ),
            "actor",
        )
        assert "someone other than" in message
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.AWAITING_ACCEPTANCE


def test_a_colleague_accepts_with_a_verdict_and_the_hazard_is_closed(cast):
    hazard = awaiting_acceptance(cast)
    refused(
        lambda: services.perform(actor=cast.enterprise, hazard=hazard, move="accept"), "comment"
    )
    hazard = services.perform(
        actor=cast.enterprise, hazard=hazard, move="accept", comment="复查合格，同意销号。"
    )
    assert hazard.status == Hazard.Status.CLOSED and not hazard.is_open
    assert (hazard.accepted_by, hazard.closed_on) == (cast.enterprise, TODAY())
    assert hazard.acceptance_note == "复查合格，同意销号。"


def test_a_failed_acceptance_reopens_the_rectification(cast):
    hazard = awaiting_acceptance(cast)
    hazard = services.perform(
        actor=cast.enterprise, hazard=hazard, move="reject_acceptance", comment="仍有缺陷"
    )
    assert hazard.status == Hazard.Status.IN_PROGRESS and hazard.completed_on is None
    assert hazard.events.last().comment == "仍有缺陷"


def test_the_district_closes_an_evaluated_major_hazard(cast):
    hazard = report_and_plan(cast, record(cast, grade=Hazard.Grade.MAJOR))
    services.perform(actor=cast.enterprise, hazard=hazard, move="approve_plan", comment="同意")
    services.perform(actor=cast.enterprise_staff, hazard=hazard, move="start_treatment")
    refused(
        lambda: services.perform(
            actor=cast.enterprise_staff, hazard=hazard, move="evaluate", comment="评估合格"
        ),
        "completed_on",
    )
    services.perform(
        actor=cast.enterprise_staff,
        hazard=hazard,
        move="evaluate",
        comment="专家评估：治理完成。",
        completed_on=TODAY(),
    )
    hazard = services.perform(
        actor=cast.district_staff, hazard=hazard, move="close", comment="核销"
    )
    assert hazard.status == Hazard.Status.CLOSED and hazard.accepted_by == cast.district_staff
    moves = list(hazard.events.values_list("move", flat=True))
    assert moves == ["record", "approve_plan", "start_treatment", "evaluate", "close"]


def test_the_conflict_names_who_acted_first(cast):
    hazard = record(cast)
    services.perform(actor=cast.enterprise_staff, hazard=hazard, move="start")
    message = refused(
        lambda: services.perform(actor=cast.enterprise, hazard=hazard, move="start"),
        error=HazardConflict,
    )
    assert message.startswith("t-enterprise-staff")


# Deadline extensions -----------------------------------------------------------


def test_the_principal_extends_a_deadline_with_a_reason(cast):
    hazard = record(cast)
    later = hazard.deadline + datetime.timedelta(days=30)
    extension = services.extend_deadline(
        actor=cast.enterprise, hazard=hazard, new_deadline=later, reason="设备到货延迟"
    )
    hazard.refresh_from_db()
    assert hazard.deadline == later and hazard.status == Hazard.Status.PENDING
    assert (extension.approved_by, extension.new_deadline) == (cast.enterprise, later)
    assert hazard.events.last().move == "extend_deadline"
    assert AuditEvent.objects.filter(action="hazard.extend_deadline").count() == 1


def test_bad_extensions_are_refused(cast):
    hazard = record(cast)
    later = hazard.deadline + datetime.timedelta(days=30)

    def extend(actor=cast.enterprise, new_deadline=later, reason="设备到货延迟"):
        return lambda: services.extend_deadline(
            actor=actor, hazard=hazard, new_deadline=new_deadline, reason=reason
        )

    refused(extend(new_deadline=hazard.deadline), "new_deadline")
    refused(extend(reason=" "), "reason")
    refused(extend(actor=cast.enterprise_staff), error=HazardForbidden)
    refused(extend(actor=cast.other_district), error=HazardForbidden)
    refused(extend(actor=cast.group), error=HazardForbidden)
    assert HazardExtension.objects.count() == 0
    services.extend_deadline(actor=cast.district, hazard=hazard, new_deadline=later, reason="同意")
    assert HazardExtension.objects.get().approved_by == cast.district


# Photos --------------------------------------------------------------------------


def test_a_photo_is_stored_and_audited(cast):
    hazard = record(cast)
    photo = services.photo_add(
        actor=cast.enterprise_staff,
        hazard=hazard,
        kind="before",
        upload=SimpleUploadedFile("现场.jpg", JPG),
    )
    assert (photo.content_type, photo.kind, photo.hazard) == ("image/jpeg", "before", hazard)
    assert AuditEvent.objects.filter(action="hazard.photo.add").count() == 1


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(cast, settings):
    hazard = record(cast)

    def add(content: bytes, name: str = "photo.png", kind: str = "after"):
        return lambda: services.photo_add(
            actor=cast.enterprise,
            hazard=hazard,
            kind=kind,
            upload=SimpleUploadedFile(name, content),
        )

    assert "not a JPG or PNG" in refused(add(PDF, "photo.png"), "file")
    assert "not a PDF" in refused(add(b"<html>", "photo.png"), "file")
    refused(add(PNG, kind="during"), "kind")
    settings.HAZARD_PHOTO_MAX_BYTES = len(PNG) - 1
    assert "limit" in refused(add(PNG), "file")
    refused(
        lambda: services.photo_add(
            actor=cast.other_enterprise,
            hazard=hazard,
            kind="after",
            upload=SimpleUploadedFile("p.png", PNG),
        ),
        error=HazardForbidden,
    )
    assert HazardPhoto.objects.count() == 0


# Scope ---------------------------------------------------------------------------


def test_another_enterprises_hazard_is_invisible_and_untouchable(cast):
    hazard = record(cast)
    for role in ("other_enterprise", "other_district", "other_regulator", "reviewer"):
        user = getattr(cast, role)
        assert not Hazard.objects.visible_to(user).filter(pk=hazard.pk).exists(), role
        refused(
            lambda user=user: services.perform(actor=user, hazard=hazard, move="start"),
            error=HazardForbidden,
        )
    for role in ("enterprise", "group", "district", "regulator", "city"):
        assert Hazard.objects.visible_to(getattr(cast, role)).filter(pk=hazard.pk).exists(), role


def test_an_inactive_colleague_cannot_act(cast):
    hazard = record(cast)
    left = make_user("t-left", cast.enterprise.organisation, User.Role.STAFF)
    User.objects.filter(pk=left.pk).update(is_active=False)
    left.refresh_from_db()
    refused(
        lambda: services.perform(actor=left, hazard=hazard, move="start"), error=HazardForbidden
    )
