"""Plans and records through their services: bad input gets a clear message
naming the field and writes nothing; each change writes one audit row; the
completion opens one ledger row per 隐患, all or none."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from hazards.errors import HazardConflict, HazardForbidden
from hazards.inspections import plans, services
from hazards.models import (
    CatalogueVersion,
    Hazard,
    HazardCounter,
    HazardPhoto,
    InspectionParticipant,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
)
from portal.errors import ServiceError
from portal.models import AuditEvent, User
from reviews.models import StandardVersion
from tests.cast import make_user
from tests.hazards.factories import JPG, PDF, PNG, catalogue_item
from tests.hazards.inspections.world import (
    hazard_answer,
    make_plan,
    results,
    standard,
    start,
)

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def written() -> tuple:
    """Everything a refused write must leave alone."""
    return (
        InspectionPlan.objects.count(),
        InspectionRecord.objects.count(),
        InspectionParticipant.objects.filter(confirmed_at__isnull=False).count(),
        tuple(InspectionResult.objects.values_list("outcome", "note", "hazard").order_by("pk")),
        InspectionPhoto.objects.count(),
        Hazard.objects.count(),
        HazardPhoto.objects.count(),
        AuditEvent.objects.count(),
    )


def refused(call, field: str | None = None, error=ServiceError) -> str:
    before = written()
    with translation.override("en"), pytest.raises(error) as caught:
        call()
    assert written() == before
    if field is not None:
        assert caught.value.field == field
    return str(caught.value.message)


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def answer_all(cast, record, outcome="conforms", actor=None):
    for result in results(record):
        services.result_save(actor=actor or cast.enterprise, result=result, outcome=outcome)


def confirm_all(record):
    for participant in record.participants.select_related("user"):
        services.participation_confirm(actor=participant.user, record=record)


# Plans -------------------------------------------------------------------------


def test_a_plan_pins_a_standard_version_with_all_or_chosen_criteria(cast):
    plan = make_plan(cast)
    assert plan.standard_version == standard() and plan.active
    assert list(plan.criteria.all()) == []  # all of them
    assert audits("inspection_plan.create") == 1
    chosen = standard().criteria.get(code="1.2")
    plans.plan_update(actor=cast.enterprise, plan=plan, criteria=[chosen], title="专项检查")
    plan.refresh_from_db()
    assert list(plan.criteria.all()) == [chosen] and plan.title == "专项检查"
    event = AuditEvent.objects.get(action="inspection_plan.update")
    assert event.after == {"title": "专项检查", "criteria": [chosen.pk]}


def test_a_group_plans_for_its_member_and_officials_cannot(cast):
    assert make_plan(cast, actor=cast.group).enterprise == cast.ent
    for outsider in (cast.district, cast.street, cast.regulator, cast.other_enterprise):
        refused(lambda u=outsider: make_plan(cast, actor=u), error=HazardForbidden)


def test_the_checklist_must_be_in_force_for_the_enterprise(cast):
    other = make_tiered_version_named("other-standard")
    StandardVersion.objects.filter(pk=other.pk).update(status=StandardVersion.Status.RETIRED)
    other.refresh_from_db()
    message = refused(lambda: make_plan(cast, standard_version=other), "standard_version")
    assert "not a standard version in force" in message
    refused(lambda: make_plan(cast, standard_version=None), "standard_version")
    foreign = make_tiered_version_named("foreign").criteria.first()
    refused(lambda: make_plan(cast, criteria=[foreign]), "criteria")
    refused(lambda: make_plan(cast, title="  "), "title")
    refused(lambda: make_plan(cast, kind="weekly_party"), "kind")
    refused(lambda: make_plan(cast, status="x"), "status")


def make_tiered_version_named(code):
    from tests.certification.factories import make_tiered_version

    return make_tiered_version(code)


def test_a_catalogue_plan_needs_a_published_catalogue_that_fits_the_industry(cast):
    item = catalogue_item(industries=[cast.ent.industry])
    plan = make_plan(
        cast, checklist="catalogue", standard_version=None, catalogue_version=item.version
    )
    assert plan.catalogue_version == item.version and plan.standard_version is None
    other_industry = catalogue_item(industries=[cast.other_ent.industry], code="commerce")
    refused(
        lambda: make_plan(cast, checklist="catalogue", catalogue_version=other_industry.version),
        "catalogue_version",
    )
    refused(
        lambda: make_plan(
            cast,
            checklist="catalogue",
            catalogue_version=item.version,
            catalogue_items=[other_industry],
        ),
        "catalogue_items",
    )


def test_a_deactivated_plan_starts_nothing_and_changes_no_more(cast):
    plan = make_plan(cast)
    refused(lambda: plans.plan_deactivate(actor=cast.district, plan=plan), error=HazardForbidden)
    plans.plan_deactivate(actor=cast.enterprise_staff, plan=plan)
    assert audits("inspection_plan.deactivate") == 1
    refused(lambda: plans.plan_deactivate(actor=cast.enterprise, plan=plan), error=HazardConflict)
    refused(
        lambda: plans.plan_update(actor=cast.enterprise, plan=plan, title="x"), error=HazardConflict
    )
    refused(lambda: start(cast, plan), error=HazardConflict)


# Starting ----------------------------------------------------------------------


def test_starting_copies_the_checklist_and_the_kind_and_the_leader_takes_part(cast):
    plan = make_plan(cast)
    record = start(cast, plan, participants=[cast.enterprise])
    assert record.kind == "comprehensive" and not record.principal_led
    assert [r.criterion.code for r in results(record)] == ["1.1", "1.2"]
    assert all(r.outcome == "" for r in results(record))
    assert {p.user for p in record.participants.all()} == {cast.enterprise_staff, cast.enterprise}
    assert audits("inspection.start") == 1
    # A later change of the plan leaves the started checklist alone.
    plans.plan_update(
        actor=cast.enterprise, plan=plan, criteria=[standard().criteria.get(code="1.1")]
    )
    assert len(results(record)) == 2


def test_a_record_led_by_the_principal_is_principal_led(cast):
    record = start(cast, leader=cast.enterprise)  # the organisation admin
    assert record.principal_led and record.kind == "comprehensive"
    plan = make_plan(cast, kind="principal_led")
    message = refused(lambda: start(cast, plan, leader=cast.enterprise_staff), "leader")
    assert "principal" in message
    assert start(cast, plan, leader=cast.enterprise).principal_led


def test_bad_starts_are_refused(cast):
    plan = make_plan(cast)
    tomorrow = TODAY() + datetime.timedelta(days=1)
    refused(lambda: start(cast, plan, inspected_on=tomorrow), "inspected_on")
    refused(lambda: start(cast, plan, inspected_on="06/01/2026"), "inspected_on")
    refused(lambda: start(cast, plan, leader=cast.other_enterprise), "leader")
    refused(lambda: start(cast, plan, participants=[cast.group]), "participants")
    refused(lambda: start(cast, plan, actor=cast.district), error=HazardForbidden)
    StandardVersion.objects.filter(pk=standard().pk).update(status=StandardVersion.Status.RETIRED)
    assert "no longer in force" in refused(lambda: start(cast, plan), "plan")


# Answering ---------------------------------------------------------------------


def test_a_hazard_answer_needs_what_the_ledger_row_needs(cast):
    record = start(cast)
    result = results(record)[0]

    def save(**overrides):
        return services.result_save(
            actor=cast.enterprise, result=result, **hazard_answer(**overrides)
        )

    refused(lambda: save(note=""), "note")
    refused(lambda: save(location=""), "location")
    refused(lambda: save(category="misc"), "category")
    refused(lambda: save(deadline=None), "deadline")
    before = record.inspected_on - datetime.timedelta(days=1)
    assert "before the inspection" in refused(lambda: save(deadline=before), "deadline")
    refused(lambda: save(outcome="maybe"), "outcome")
    refused(lambda: save(note="x" * 2001), "note")
    refused(
        lambda: services.result_save(actor=cast.district, result=result, outcome="conforms"),
        error=HazardForbidden,
    )
    save()
    result.refresh_from_db()
    assert result.outcome == "hazard" and result.location == "机加工车间 3# 配电箱"
    assert audits("inspection.result") == 1
    # Saving the same answer again changes nothing and records nothing.
    save()
    assert audits("inspection.result") == 1


def test_photos_are_checked_by_their_content(cast, settings):
    record = start(cast)
    result = results(record)[0]

    def add(name, content):
        return services.photo_add(
            actor=cast.enterprise, result=result, upload=SimpleUploadedFile(name, content)
        )

    assert "not a JPG or PNG" in refused(lambda: add("fake.jpg", PDF), "file")
    settings.HAZARD_PHOTO_MAX_BYTES = 10
    assert "limit" in refused(lambda: add("big.png", PNG), "file")
    settings.HAZARD_PHOTO_MAX_BYTES = 1024
    add("现场.jpg", JPG)
    assert result.photos.count() == 1 and audits("inspection.photo.add") == 1


def test_each_participant_confirms_only_for_themselves(cast):
    record = start(cast, participants=[cast.enterprise])
    refused(
        lambda: services.participation_confirm(actor=cast.district, record=record),
        error=HazardForbidden,
    )
    services.participation_confirm(actor=cast.enterprise_staff, record=record)
    assert record.participants.get(user=cast.enterprise_staff).confirmed_at is not None
    assert record.participants.get(user=cast.enterprise).confirmed_at is None
    assert audits("inspection.confirm") == 1
    refused(
        lambda: services.participation_confirm(actor=cast.enterprise_staff, record=record),
        error=HazardConflict,
    )


# Completing --------------------------------------------------------------------


def test_completion_needs_every_answer_and_every_confirmation(cast):
    record = start(cast, participants=[cast.enterprise])
    first, second = results(record)
    services.result_save(actor=cast.enterprise, result=first, outcome="conforms")
    message = refused(lambda: services.record_complete(actor=cast.enterprise, record=record))
    assert message == "1 item is not answered yet: 1.2."
    services.result_save(actor=cast.enterprise, result=second, outcome="na")
    message = refused(
        lambda: services.record_complete(actor=cast.enterprise, record=record), "participants"
    )
    assert "t-enterprise-staff" in message and "t-enterprise," not in message
    confirm_all(record)
    services.record_complete(actor=cast.enterprise, record=record)
    record.refresh_from_db()
    assert record.status == "completed" and record.completed_at is not None
    assert Hazard.objects.count() == 0
    assert audits("inspection.complete") == 1


def test_every_hazard_opens_a_ledger_row_with_its_photo_and_the_record_is_then_read_only(cast):
    record = start(cast)
    first, second = results(record)
    services.result_save(actor=cast.enterprise, result=first, **hazard_answer())
    services.photo_add(
        actor=cast.enterprise, result=first, upload=SimpleUploadedFile("现场.png", PNG)
    )
    services.result_save(
        actor=cast.enterprise,
        result=second,
        **hazard_answer(note="安全教育记录不全。", category="management"),
    )
    confirm_all(record)
    services.record_complete(actor=cast.enterprise_staff, record=record)
    first.refresh_from_db()
    second.refresh_from_db()
    hazard = first.hazard
    assert hazard.source == Hazard.Source.SELF and hazard.grade == Hazard.Grade.GENERAL
    assert hazard.criterion == first.criterion and hazard.basis == "1.1"
    assert hazard.found_on == record.inspected_on
    assert hazard.description == first.note and hazard.location == first.location
    assert hazard.photos.get().kind == HazardPhoto.Kind.BEFORE
    assert second.hazard.category == "management"
    assert hazard.inspection_result == first
    assert audits("hazard.record") == 2 and audits("inspection.complete") == 1
    # Completed: nothing changes any more.
    refused(
        lambda: services.result_save(actor=cast.enterprise, result=first, outcome="na"),
        error=HazardConflict,
    )
    refused(
        lambda: services.record_complete(actor=cast.enterprise, record=record), error=HazardConflict
    )
    refused(
        lambda: services.photo_add(
            actor=cast.enterprise, result=first, upload=SimpleUploadedFile("a.png", PNG)
        ),
        error=HazardConflict,
    )


def test_a_principal_led_record_opens_rows_with_that_source(cast):
    record = start(cast, leader=cast.enterprise)
    answer_all(cast, record, "na")
    services.result_save(actor=cast.enterprise, result=results(record)[0], **hazard_answer())
    confirm_all(record)
    services.record_complete(actor=cast.enterprise, record=record)
    assert Hazard.objects.get().source == Hazard.Source.PRINCIPAL


def test_a_catalogue_item_found_opens_a_major_hazard(cast):
    item = catalogue_item(industries=[cast.ent.industry])
    plan = make_plan(cast, checklist="catalogue", catalogue_version=item.version)
    record = start(cast, plan)
    (result,) = results(record)
    services.result_save(actor=cast.enterprise, result=result, **hazard_answer())
    confirm_all(record)
    services.record_complete(actor=cast.enterprise, record=record)
    hazard = Hazard.objects.get()
    assert hazard.grade == Hazard.Grade.MAJOR and hazard.major_basis == item
    assert hazard.status == Hazard.Status.REPORTED


def test_one_bad_hazard_row_refuses_the_whole_completion_naming_it(cast):
    """The first hazard row is fine and is recorded (numbered) first; the second
    has lost its category: nothing is created, not even the first row's number."""
    record = start(cast)
    first, second = results(record)
    services.result_save(actor=cast.enterprise, result=first, **hazard_answer())
    services.result_save(actor=cast.enterprise, result=second, **hazard_answer())
    confirm_all(record)
    InspectionResult.objects.filter(pk=second.pk).update(category="")
    before = (written(), list(HazardCounter.objects.values_list("key", "value")))
    with translation.override("en"), pytest.raises(services.ResultRefused) as caught:
        services.record_complete(actor=cast.enterprise, record=record)
    assert (written(), list(HazardCounter.objects.values_list("key", "value"))) == before
    assert caught.value.result_id == second.pk
    assert caught.value.message == "Item 1.2: Category is required."
    record.refresh_from_db()
    assert record.status == "draft"


def test_a_catalogue_version_withdrawn_since_refuses_the_completion(cast):
    item = catalogue_item(industries=[cast.ent.industry])
    plan = make_plan(cast, checklist="catalogue", catalogue_version=item.version)
    record = start(cast, plan)
    (result,) = results(record)
    services.result_save(actor=cast.enterprise, result=result, **hazard_answer())
    confirm_all(record)
    CatalogueVersion.objects.filter(pk=item.version_id).update(
        status=CatalogueVersion.Status.RETIRED
    )
    message = refused(lambda: services.record_complete(actor=cast.enterprise, record=record))
    assert message.startswith("Item 4.1: ") and "no longer in force" in message


def test_participants_are_the_enterprise_accounts_users_only(cast):
    colleague = make_user("t-enterprise-colleague", cast.enterprise.organisation, User.Role.STAFF)
    plan = make_plan(cast)
    record = start(cast, plan, participants=[colleague, cast.enterprise_staff])
    assert record.participants.count() == 2  # the leader once
    colleague.is_active = False
    colleague.save()
    refused(lambda: start(cast, plan, participants=[colleague]), "participants")
