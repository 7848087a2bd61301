"""The preconditions for applying for a grade (enterprises/preconditions.py): each
checked where the portal can (licence, major hazards, dishonesty list, the year's lock
after a grading closed without a grade) and affirmed by the principal where it cannot;
refused at create and at submit with the reason, shown on the application and enterprise
pages and in the API."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from certification import engine
from certification.applications import services
from certification.models import Application, Status
from enterprises import preconditions
from enterprises.models import ApplicationLock, Enterprise
from portal.errors import ServiceError
from portal.models import AuditEvent, Industry
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    reported_application,
    submitted_assessment,
)


@pytest.fixture
def version(db):
    return make_tiered_version()


def states(enterprise, today=None):
    return {item.key: item.state for item in preconditions.checklist(enterprise, today)}


def draft(cast, version):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    application = services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
    )
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    return application


# --- the anniversary ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "again"),
    [
        (datetime.date(2026, 6, 1), datetime.date(2027, 6, 1)),
        (datetime.date(2027, 3, 1), datetime.date(2028, 3, 1)),  # across 29 Feb: 366 days
        (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),  # no 29 Feb: month's end
        (datetime.date(2026, 12, 31), datetime.date(2027, 12, 31)),
    ],
)
def test_a_lock_ends_on_the_anniversary_not_after_365_days(since, again):
    assert preconditions.one_year_after(since) == again


# --- the check list ----------------------------------------------------------------


def test_an_enterprise_in_good_standing_has_only_the_listing_to_affirm(cast):
    assert states(cast.ent) == {
        "licence": "met",  # machinery needs no safety licence
        "major_hazard": "met",
        "dishonesty": "affirm",
        "lock": "met",
    }


def test_the_licence_is_met_expired_or_affirmed(cast):
    ent = cast.ent
    ent.industry = Industry.objects.get(code="hazardous_chemicals")
    today = timezone.localdate()
    ent.safety_licence_no, ent.safety_licence_expires = "(京)WH安许证字[2024]001", today
    assert states(ent)["licence"] == "met"  # valid through its last day
    ent.safety_licence_expires = today - datetime.timedelta(days=1)
    assert states(ent)["licence"] == "not_met"
    ent.safety_licence_expires = None
    assert states(ent)["licence"] == "affirm"


def test_an_open_major_hazard_is_not_met(cast):
    def blocker(enterprise):
        return ["Major hazard ZD-1 is still open."] if enterprise.pk == cast.ent.pk else []

    preconditions.add_application_blocker(blocker)
    try:
        item = preconditions.checklist(cast.ent)[1]
        assert (item.key, item.state) == ("major_hazard", "not_met")
        assert "ZD-1" in item.reason
        assert states(cast.other_ent)["major_hazard"] == "met"
    finally:
        preconditions._BLOCKERS.remove(blocker)


# --- refused at create and at submit ------------------------------------------------


def test_a_listed_enterprise_may_not_create_an_application(cast, version):
    preconditions.dishonesty_set(
        actor=cast.district,
        enterprise=cast.ent,
        listed_on=datetime.date(2026, 1, 5),
        source="北京市企业信用信息网",
        reason="拒不执行安全生产行政处罚决定",
    )
    cast.ent.refresh_from_db()
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )
    assert "On the dishonesty list “北京市企业信用信息网” since 2026-01-05" in refused.value.message
    assert not Application.objects.filter(enterprise=cast.ent).exists()


def test_submit_is_refused_when_the_licence_expired_and_nothing_changes(cast, version):
    application = draft(cast, version)
    Enterprise.objects.filter(pk=cast.ent.pk).update(
        industry_id="hazardous_chemicals",
        safety_licence_no="(京)WH安许证字[2023]009",
        safety_licence_expires=timezone.localdate() - datetime.timedelta(days=3),
    )
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.enterprise, application=application, transition="submit")
    assert "expired on" in refused.value.message
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.submitted_at is None


def test_submit_records_what_the_principal_affirmed(cast, version):
    application = draft(cast, version)
    engine.perform(actor=cast.enterprise, application=application, transition="submit")
    event = AuditEvent.objects.filter(object_id=str(application.pk)).latest("pk")
    assert event.after["affirmed"] == ["dishonesty"]


def test_a_grading_closed_without_a_grade_locks_applications_for_a_year(cast, version):
    application = reported_application(cast, version)
    engine.perform(
        actor=cast.district,
        application=application,
        transition="close_not_reached",
        comment="现场评审得分未达到三级。",
    )
    today = timezone.localdate()
    lock = ApplicationLock.objects.get(enterprise=cast.ent)
    assert (lock.kind, lock.since, lock.until) == (
        "not_reached",
        today,
        preconditions.one_year_after(today),
    )
    assert AuditEvent.objects.filter(action="enterprise.application_lock").exists()
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )
    assert f"may apply again from {lock.until.isoformat()}" in refused.value.message
    # The day before the anniversary the lock still runs; on it, it has ended.
    assert states(cast.ent, lock.until - datetime.timedelta(days=1))["lock"] == "not_met"
    assert states(cast.ent, lock.until)["lock"] == "met"


# --- the dishonesty listing: who records it ----------------------------------------


def test_the_district_lists_and_clears_in_the_browser_form(cast, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("enterprises:dishonesty", args=[cast.ent.pk])
    page = client.post(
        url,
        {
            "listed": "on",
            "dishonesty_listed_on": "2026-03-01",
            "dishonesty_source": "信用中国",
            "dishonesty_reason": "严重失信主体",
        },
        follow=True,
    ).content.decode()
    assert 'data-testid="precondition-dishonesty" data-state="not_met"' in page
    assert "信用中国" in page
    assert AuditEvent.objects.filter(action="enterprise.dishonesty").count() == 1
    client.post(url, {}, follow=True)
    cast.ent.refresh_from_db()
    assert cast.ent.dishonesty_listed_on is None and cast.ent.dishonesty_source == ""
    assert AuditEvent.objects.filter(action="enterprise.dishonesty").count() == 2


def test_a_listing_without_its_source_is_refused_and_changes_nothing(cast, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        reverse("enterprises:dishonesty", args=[cast.ent.pk]),
        {"listed": "on", "dishonesty_listed_on": "2026-03-01"},
        follow=True,
    ).content.decode()
    assert "Name the dishonesty list and the reason" in page
    cast.ent.refresh_from_db()
    assert cast.ent.dishonesty_listed_on is None
    assert not AuditEvent.objects.filter(action="enterprise.dishonesty").exists()


@pytest.mark.parametrize(("who", "status"), [("other_district", 404), ("enterprise", 403)])
def test_others_may_not_record_a_listing(cast, client_for, who, status):
    client = client_for(getattr(cast, who))
    response = client.post(
        reverse("enterprises:dishonesty", args=[cast.ent.pk]),
        {"listed": "on", "dishonesty_listed_on": "2026-03-01", "dishonesty_source": "x"},
    )
    assert response.status_code == status
    cast.ent.refresh_from_db()
    assert cast.ent.dishonesty_listed_on is None


# --- the pages and the API ---------------------------------------------------------


def test_the_application_page_shows_the_check_list_before_submit(cast, version, client_for):
    application = draft(cast, version)
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:detail", args=[application.pk])).content.decode()
    assert 'data-testid="precondition-licence" data-state="met"' in page
    assert 'data-testid="precondition-dishonesty" data-state="affirm"' in page
    assert "Affirmed by the principal with the declaration below" in page


def test_the_api_lists_the_preconditions_and_records_a_listing(cast):
    api = APIClient()
    api.force_authenticate(cast.city)
    url = f"/api/v1/enterprises/{cast.ent.pk}/"
    rows = api.get(url + "preconditions/").json()
    assert [row["key"] for row in rows] == ["licence", "major_hazard", "dishonesty", "lock"]
    refused = api.post(url + "dishonesty/", {"listed_on": "2026-03-01"}, format="json")
    assert refused.status_code == 400 and "list_name" in refused.json()
    done = api.post(
        url + "dishonesty/",
        {"listed_on": "2026-03-01", "list_name": "信用中国", "reason": "严重失信"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["dishonesty_listed_on"] == "2026-03-01"
    assert api.get(url + "preconditions/").json()[2]["state"] == "not_met"


def test_the_api_hides_the_preconditions_from_outsiders_and_refuses_the_enterprise(cast):
    api = APIClient()
    api.force_authenticate(cast.other_enterprise)
    url = f"/api/v1/enterprises/{cast.ent.pk}/"
    assert api.get(url + "preconditions/").status_code == 404
    api.force_authenticate(cast.enterprise)
    assert api.get(url + "preconditions/").status_code == 200
    body = {"listed_on": None}
    assert api.post(url + "dishonesty/", body, format="json").status_code == 403


def test_the_api_refuses_the_submit_of_a_listed_enterprise_naming_the_listing(cast, version):
    application = draft(cast, version)
    preconditions.dishonesty_set(
        actor=cast.city,
        enterprise=cast.ent,
        listed_on=datetime.date(2026, 2, 1),
        source="信用中国",
        reason="严重失信主体",
    )
    api = APIClient()
    api.force_authenticate(cast.enterprise)
    response = api.post(f"/api/v1/applications/{application.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "信用中国" in str(response.json())
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    # Cleared by the district, the same submit goes through.
    preconditions.dishonesty_set(actor=cast.district, enterprise=cast.ent, listed_on=None)
    response = api.post(f"/api/v1/applications/{application.pk}/submit/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
