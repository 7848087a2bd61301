"""The application services: creating, qualifying, and the intake moves."""

from decimal import Decimal

import pytest
from django.core import mail

from certification import engine
from certification.applications import services
from certification.models import ApplicationEvent, Status
from portal.errors import ServiceError
from portal.models import AuditEvent, Notification
from portal.models.notifications import NotificationPreference
from portal.notify import set_email_preference
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)


@pytest.fixture
def version(db):
    return make_tiered_version()


def apply(cast, version, *, tier="3", lose=Decimal("0")):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version, lose=lose)
    return services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier=tier
    )


def test_a_level_3_application_goes_to_the_enterprises_district(cast, version):
    application = apply(cast, version)
    assert application.receiver == cast.district.organisation
    assert application.status == Status.DRAFT


def test_a_score_below_the_tier_is_refused_with_the_gap(cast, version):
    from django.utils import translation

    assessment = submitted_assessment(cast.enterprise, cast.ent, version, lose=Decimal("20"))
    with translation.override("en"), pytest.raises(ServiceError) as info:
        services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="1"
        )
    assert "90" in info.value.message and "80.0" in info.value.message
    assert "10.0 short" in info.value.message


def test_a_declared_death_caps_the_tier(cast, version):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with pytest.raises(ServiceError) as info:
        services.application_create(
            actor=cast.enterprise,
            enterprise=cast.ent,
            assessment=assessment,
            tier="1",
            deaths_last_year=1,
        )
    assert info.value.field == "deaths_last_year"


def test_submit_needs_every_material_and_the_declaration(cast, version):
    application = apply(cast, version)
    with pytest.raises(ServiceError) as info:
        services.application_submit(actor=cast.enterprise, application=application)
    assert info.value.field == "materials"
    add_all_materials(cast.enterprise, application)
    with pytest.raises(ServiceError) as info:
        services.application_submit(actor=cast.enterprise, application=application)
    assert info.value.field == "declaration_confirmed"
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    application = services.application_submit(actor=cast.enterprise, application=application)
    assert application.status == Status.SUBMITTED
    assert application.due_on is not None


def submitted(cast, version):
    application = apply(cast, version)
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    return services.application_submit(actor=cast.enterprise, application=application)


def test_the_return_loop_and_acceptance_are_timed_audited_and_notified(
    cast, version, django_capture_on_commit_callbacks
):
    # The enterprise chose one e-mail per notification (the default is the
    # daily digest, portal/notify.py).
    set_email_preference(user=cast.enterprise, choice=NotificationPreference.Email.IMMEDIATE)
    application = submitted(cast, version)
    with pytest.raises(ServiceError):
        services.application_return(actor=cast.district, application=application, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(
            actor=cast.district, application=application, comment="组织机构图缺少安全管理人员名单"
        )
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    services.application_resubmit(actor=cast.enterprise, application=application)
    services.application_accept(actor=cast.district, application=application)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    moves = list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "transition", flat=True
        )
    )
    assert moves == ["submit", "return", "resubmit", "accept"]
    audited = list(
        AuditEvent.objects.filter(
            object_type="certification.application", action__in=[f"application.{m}" for m in moves]
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert audited == [f"application.{m}" for m in moves]
    assert Notification.objects.filter(recipient=cast.enterprise).exists()
    assert any(cast.ent.name in m.subject and cast.enterprise.email in m.to for m in mail.outbox)


def test_wrong_role_and_wrong_state_are_refused(cast, version):
    application = submitted(cast, version)
    with pytest.raises(engine.TransitionForbidden):
        services.application_accept(actor=cast.enterprise, application=application)
    with pytest.raises(engine.TransitionForbidden):
        services.application_accept(actor=cast.other_district, application=application)
    services.application_accept(actor=cast.district, application=application)
    with pytest.raises(engine.TransitionConflict) as info:
        services.application_reject(actor=cast.district_staff, application=application, comment="x")
    assert "t-district" in info.value.message


def test_level_2_goes_to_the_organising_unit_of_the_industry(cast, version):
    application = apply(cast, version, tier="2")
    assert application.receiver == cast.association.organisation


def test_level_1_is_forwarded_and_its_national_result_recorded(cast, version):
    application = apply(cast, version, tier="1")
    assert application.receiver == cast.city.organisation
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    services.application_submit(actor=cast.enterprise, application=application)
    with pytest.raises(ServiceError):  # level 1 is not accepted locally
        services.application_accept(actor=cast.city, application=application)
    services.application_forward_national(actor=cast.city, application=application)
    with pytest.raises(ServiceError):
        services.application_record_national_result(
            actor=cast.city,
            application=application,
            national_result="approved",
            national_reference="",
        )
    services.application_record_national_result(
        actor=cast.city,
        application=application,
        national_result="approved",
        national_reference="应急管理部公告2026年第5号",
    )
    application.refresh_from_db()
    assert (application.status, application.national_result) == (
        Status.NATIONAL_DECIDED,
        "approved",
    )


def test_a_group_applies_for_its_member(cast, version):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    application = services.application_create(
        actor=cast.group, enterprise=cast.ent, assessment=assessment, tier="3"
    )
    assert application.applicant == cast.group.organisation
    with pytest.raises(engine.TransitionForbidden):
        services.application_create(
            actor=cast.group, enterprise=cast.other_ent, assessment=assessment, tier="3"
        )


def test_the_enterprise_withdraws_before_the_review(cast, version):
    application = submitted(cast, version)
    services.application_withdraw(actor=cast.enterprise, application=application)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
