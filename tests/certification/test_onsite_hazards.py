"""The on-site review and the hazard ledger: the assigned review unit's pre-visit brief of
the enterprise's hazards (page and API), and veto or deduction findings recorded as
hazards of the enterprise's ledger, once per finding."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certification import engine
from certification.models import Finding
from certification.onsite import findings as onsite_findings
from hazards.models import Hazard, SupervisionListing
from portal.models import AuditEvent
from reviews.models import Criterion
from tests.certification.factories import (
    application_in_review,
    make_tiered_version,
    review_team,
    submitted_application,
)
from tests.hazards.factories import record

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def assigned(cast, version):
    """Assigned to cast.reviewer's unit; the visit has not started."""
    application = submitted_application(cast, version)
    engine.perform(actor=cast.district, application=application, transition="accept")
    return engine.perform(
        actor=cast.district, application=application, transition="assign", **review_team(cast)
    )


def ledger(cast):
    """A major hazard under listed supervision and past its deadline, and two general
    hazards, both overdue, one of them found more than a year ago; recorded after the
    application (an open major hazard blocks applying)."""
    major = record(
        cast,
        grade=Hazard.Grade.MAJOR,
        actor=cast.district,
        found_on=days(-30),
        deadline=days(-1),
        description="熔炼炉未设置紧急排放设施",
    )
    SupervisionListing.objects.create(
        number="朝督〔2025〕1号",
        level=SupervisionListing.Level.DISTRICT,
        issuer=cast.district.organisation,
        hazard=major,
        listed_on=days(-20),
        deadline=days(10),
        suspension="partial",
        requirements="限期治理",
        created_by=cast.district,
    )
    record(cast, found_on=days(-20), deadline=days(-5))
    record(cast, found_on=days(-400), deadline=days(-300))
    return major


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- the pre-visit brief -------------------------------------------------------------


def test_the_assigned_review_unit_sees_the_brief_before_the_visit(cast, client_for, assigned):
    major = ledger(cast)
    client = english(client_for(cast.reviewer))
    page = client.get(reverse("certification:detail", args=[assigned.pk])).content.decode()
    assert 'data-testid="hazard-brief"' in page
    assert major.number in page and "熔炼炉未设置紧急排放设施" in page
    assert 'data-testid="brief-overdue"' in page and "朝督〔2025〕1号" in page
    assert "2 open, 2 overdue, 1 found in the last 12 months" in page

    data = client.get(f"/api/v1/applications/{assigned.pk}/hazard-brief/").json()
    assert data["general"] == {"open": 2, "overdue": 2, "last_12_months": 1}
    [row] = data["major"]
    assert (row["number"], row["overdue"], row["listed"]) == (major.number, True, True)
    assert row["listing_number"] == "朝督〔2025〕1号"


def test_no_one_else_gets_the_brief(cast, client_for, assigned):
    ledger(cast)
    url = f"/api/v1/applications/{assigned.pk}/hazard-brief/"
    for user in (cast.district, cast.enterprise):  # in the application's scope, not the unit
        client = client_for(user)
        page = client.get(reverse("certification:detail", args=[assigned.pk])).content.decode()
        assert 'data-testid="hazard-brief"' not in page
        assert client.get(url).status_code == 403
    assert client_for(cast.other_district).get(url).status_code == 404
    assert client_for(cast.other_enterprise).get(url).status_code == 404


def test_the_brief_is_on_the_review_pages_during_the_visit(cast, client_for, version):
    application = application_in_review(cast, version)
    ledger(cast)
    client = client_for(cast.reviewer)
    for name in ("certification:review", "certification:review_findings"):
        page = client.get(reverse(name, args=[application.pk])).content.decode()
        assert 'data-testid="brief-listed"' in page, name
    assert client.get(f"/api/v1/applications/{application.pk}/hazard-brief/").status_code == 200


def test_an_enterprise_without_hazards_has_an_empty_brief(cast, client_for, assigned):
    page = (
        english(client_for(cast.reviewer))
        .get(reverse("certification:detail", args=[assigned.pk]))
        .content.decode()
    )
    assert 'data-testid="brief-no-major"' in page
    assert "0 open, 0 overdue, 0 found in the last 12 months" in page


def test_the_brief_ends_with_the_assignment(cast, client_for, assigned):
    from certification.assignment import rules as assigning

    ledger(cast)
    assigning.revoke(assigning.current_assignment(assigned))
    # The grant on the application went with it: the application is out of scope.
    url = f"/api/v1/applications/{assigned.pk}/hazard-brief/"
    assert client_for(cast.reviewer).get(url).status_code == 404


# --- findings recorded as hazards ------------------------------------------------------


@pytest.fixture
def in_review(cast, version):
    return application_in_review(cast, version)


def finding(cast, application, kind=Finding.Kind.DEDUCTION):
    criterion = Criterion.objects.filter(version=application.assessment.version).first()
    return onsite_findings.finding_add(
        actor=cast.reviewer,
        application=application,
        kind=kind,
        text="二号车间配电箱未接地。",
        criterion=criterion,
    )


def test_the_review_unit_records_a_finding_as_a_hazard_once(cast, client_for, in_review):
    found = finding(cast, in_review)
    client = client_for(cast.reviewer)
    url = reverse("certification:review_finding_hazard", args=[in_review.pk, found.pk])
    posted = {"location": "二号车间", "deadline": days(15).isoformat(), "category": "site"}
    response = client.post(url, posted)
    assert response.status_code == 302
    hazard = Hazard.objects.get(enterprise=cast.ent)
    assert hazard.source == Hazard.Source.REVIEW
    assert hazard.description == "二号车间配电箱未接地。"
    assert hazard.basis == found.criterion.code
    assert (hazard.found_on, hazard.deadline, hazard.location) == (TODAY(), days(15), "二号车间")
    assert hazard.grade == Hazard.Grade.GENERAL and hazard.created_by == cast.reviewer
    found.refresh_from_db()
    assert (found.ledger_hazard_id, found.ledger_hazard_number) == (hazard.pk, hazard.number)
    assert AuditEvent.objects.filter(action="application.review.finding.hazard").count() == 1
    page = client.get(reverse("certification:review_findings", args=[in_review.pk]))
    assert hazard.number in page.content.decode()

    again = client.post(url, posted)
    assert again.status_code == 409
    assert Hazard.objects.filter(enterprise=cast.ent).count() == 1


def test_bad_input_and_suggestions_record_nothing(cast, client_for, in_review):
    client = client_for(cast.reviewer)
    found = finding(cast, in_review)
    url = reverse("certification:review_finding_hazard", args=[in_review.pk, found.pk])
    early = client.post(url, {"location": "二号车间", "deadline": days(-1).isoformat()})
    assert early.status_code == 400
    no_place = client.post(url, {"location": " ", "deadline": days(5).isoformat()})
    assert no_place.status_code == 400
    advice = finding(cast, in_review, kind=Finding.Kind.SUGGESTION)
    url = reverse("certification:review_finding_hazard", args=[in_review.pk, advice.pk])
    assert client.post(url, {"location": "x", "deadline": days(5).isoformat()}).status_code == 400
    assert not Hazard.objects.exists()
    found.refresh_from_db()
    assert found.ledger_hazard_id is None


def test_only_the_assigned_review_unit_records(cast, client_for, in_review):
    from tests.certification.test_onsite import other_review_unit_user

    found = finding(cast, in_review)
    url = reverse("certification:review_finding_hazard", args=[in_review.pk, found.pk])
    posted = {"location": "二号车间", "deadline": days(5).isoformat()}
    assert client_for(cast.district).post(url, posted).status_code == 403  # in scope
    assert client_for(cast.enterprise).post(url, posted).status_code == 403
    assert client_for(other_review_unit_user()).post(url, posted).status_code == 404
    assert not Hazard.objects.exists()


def test_the_api_records_a_finding_as_a_hazard(cast, client_for, in_review):
    found = finding(cast, in_review, kind=Finding.Kind.VETO)
    url = f"/api/v1/applications/{in_review.pk}/review/findings/{found.pk}/hazard/"
    client = client_for(cast.reviewer)
    bad = client.post(url, {"location": "一号库房", "deadline": days(-3).isoformat()})
    assert bad.status_code == 400 and "deadline" in bad.json()
    assert not Hazard.objects.exists()
    created = client.post(
        url,
        {"location": "一号库房", "deadline": days(7).isoformat(), "category": "management"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    hazard = Hazard.objects.get()
    assert body["ledger_hazard_number"] == hazard.number
    assert hazard.category == Hazard.Category.MANAGEMENT
    review = client.get(f"/api/v1/applications/{in_review.pk}/review/").json()
    assert any(f["ledger_hazard_id"] == hazard.pk for f in review["findings"])
    again = client.post(
        url,
        {"location": "一号库房", "deadline": days(7).isoformat()},
        content_type="application/json",
    )
    assert again.status_code == 409
    other = finding(cast, in_review)
    url = f"/api/v1/applications/{in_review.pk}/review/findings/{other.pk}/hazard/"
    posted = {"location": "一号库房", "deadline": days(7).isoformat()}
    assert client_for(cast.district).post(url, posted).status_code == 403
    assert client_for(cast.other_district).post(url, posted).status_code == 404
    assert Hazard.objects.count() == 1
