"""Disqualifying a review unit (reviews/bodies/disqualification.py): the organising
unit proposes with reason and evidence; the industry regulator of the unit's
qualifications or the city office decides; the unit is disqualified only on an
approving decision, audited and notified; pages and API, with who may not."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from portal.errors import ServiceError
from portal.models import AuditEvent, Notification, Organisation
from reviews.bodies import disqualification, services
from reviews.models import DisqualificationProposal

API = "/api/v1/disqualification-proposals/"


@pytest.fixture
def unit(cast):
    return cast.reviewer.organisation  # qualified for machinery level 3


def propose(cast, unit, **kw):
    return disqualification.proposal_create(
        actor=cast.association,
        unit=unit,
        reason=kw.get("reason", "两次抽查复核不合格"),
        evidence=kw.get("evidence", "2026年抽查：朝阳精密机械、朝阳精工"),
    )


def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- the rule ----------------------------------------------------------------------


def test_the_proposal_alone_does_not_disqualify(cast, unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(cast, unit)
    unit.refresh_from_db()
    assert unit.status == Organisation.Status.ACTIVE
    assert proposal.status == "pending" and proposal.failed_spot_checks == 0
    assert AuditEvent.objects.filter(action="review_unit.disqualification.propose").exists()
    # The deciders are told: the machinery regulator and the city office.
    assert Notification.objects.filter(recipient=cast.regulator).exists()
    assert Notification.objects.filter(recipient=cast.city).exists()
    assert not Notification.objects.filter(recipient=cast.other_regulator).exists()


def test_the_regulator_of_the_units_industry_approves_and_the_unit_is_disqualified(
    cast, unit, django_capture_on_commit_callbacks
):
    proposal = propose(cast, unit)
    with django_capture_on_commit_callbacks(execute=True):
        disqualification.proposal_decide(
            actor=cast.regulator, proposal=proposal, approve=True, reason="查实评审报告失实"
        )
    unit.refresh_from_db()
    proposal.refresh_from_db()
    assert unit.status == Organisation.Status.DISQUALIFIED
    assert unit.status_reason == "查实评审报告失实"
    assert proposal.status == "approved" and proposal.decider == cast.regulator.organisation
    assert AuditEvent.objects.filter(
        action="review_unit.status", after__status="disqualified"
    ).exists()
    assert Notification.objects.filter(recipient=cast.reviewer).exists()


def test_a_refusal_leaves_the_unit_active_and_a_decided_proposal_stays(cast, unit):
    proposal = propose(cast, unit)
    disqualification.proposal_decide(
        actor=cast.city, proposal=proposal, approve=False, reason="证据不足"
    )
    unit.refresh_from_db()
    assert unit.status == Organisation.Status.ACTIVE
    with pytest.raises(ServiceError):
        disqualification.proposal_decide(
            actor=cast.city, proposal=proposal, approve=True, reason="改判"
        )
    unit.refresh_from_db()
    assert unit.status == Organisation.Status.ACTIVE


def test_a_regulator_of_another_industry_and_the_proposer_may_not_decide(cast, unit):
    proposal = propose(cast, unit)
    from django.core.exceptions import PermissionDenied

    for who in (cast.other_regulator, cast.association):
        with pytest.raises(PermissionDenied):
            disqualification.proposal_decide(actor=who, proposal=proposal, approve=True, reason="x")
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_a_proposal_needs_reason_and_evidence_and_one_at_a_time(cast, unit):
    with pytest.raises(ServiceError):
        propose(cast, unit, evidence="  ")
    assert not DisqualificationProposal.objects.exists()
    propose(cast, unit)
    with pytest.raises(ServiceError):
        propose(cast, unit)
    assert DisqualificationProposal.objects.count() == 1


def test_the_status_form_no_longer_disqualifies(cast, unit):
    with pytest.raises(ServiceError) as refused:
        services.unit_set_status(
            actor=cast.city, unit=unit, status="disqualified", reason="直接取消"
        )
    assert refused.value.field == "status"
    unit.refresh_from_db()
    assert unit.status == Organisation.Status.ACTIVE


def test_failed_spot_checks_of_the_year_are_kept_with_the_proposal(cast, unit, monkeypatch):
    from reviews.bodies import figures

    real = figures.unit_figures

    def two_failures(u, year):
        result = real(u, year)
        result.spot_checks_failed = 2
        return result

    monkeypatch.setattr(figures, "unit_figures", two_failures)
    assert propose(cast, unit).failed_spot_checks == 2


# --- the pages ---------------------------------------------------------------------


def test_the_association_proposes_on_the_units_page(cast, unit, client_for):
    client = en(client_for(cast.association))
    page = client.get(reverse("review_bodies:detail", args=[unit.pk])).content.decode()
    assert 'data-testid="proposal-form"' in page
    assert 'data-testid="fig-spot-checks"' in page  # the year's failed / done
    page = client.post(
        reverse("review_bodies:disqualification_propose", args=[unit.pk]),
        {"reason": "两次抽查复核不合格", "evidence": "抽查记录"},
        follow=True,
    ).content.decode()
    assert "was sent for decision" in page
    assert 'data-status="pending"' in page


def test_a_proposal_without_evidence_is_refused_on_the_page(cast, unit, client_for):
    client = en(client_for(cast.association))
    page = client.post(
        reverse("review_bodies:disqualification_propose", args=[unit.pk]),
        {"reason": "两次抽查复核不合格", "evidence": ""},
        follow=True,
    ).content.decode()
    assert "This field is required" in page
    assert not DisqualificationProposal.objects.exists()


def test_the_regulator_decides_on_the_proposals_page(cast, unit, client_for):
    proposal = propose(cast, unit)
    client = en(client_for(cast.regulator))
    page = client.get(reverse("review_bodies:disqualifications")).content.decode()
    assert f'data-testid="decision-form-{proposal.pk}"' in page
    page = client.post(
        reverse("review_bodies:disqualification_decide", args=[proposal.pk]),
        {"decision": "approve", "reason": "查实"},
        follow=True,
    ).content.decode()
    assert "is disqualified" in page
    unit.refresh_from_db()
    assert unit.status == Organisation.Status.DISQUALIFIED


@pytest.mark.parametrize(("who", "code"), [("other_regulator", 404), ("association", 403)])
def test_others_may_not_decide_on_the_page(cast, unit, client_for, who, code):
    proposal = propose(cast, unit)
    response = client_for(getattr(cast, who)).post(
        reverse("review_bodies:disqualification_decide", args=[proposal.pk]),
        {"decision": "approve", "reason": "x"},
    )
    assert response.status_code == code
    unit.refresh_from_db()
    assert unit.status == Organisation.Status.ACTIVE


@pytest.mark.parametrize("who", ["regulator", "district", "enterprise"])
def test_only_the_organising_unit_proposes_on_the_page(cast, unit, client_for, who):
    response = client_for(getattr(cast, who)).post(
        reverse("review_bodies:disqualification_propose", args=[unit.pk]),
        {"reason": "x", "evidence": "y"},
    )
    assert response.status_code == 404  # the unit is outside their scope
    assert not DisqualificationProposal.objects.exists()


def test_the_proposals_page_is_404_for_an_enterprise(cast, client_for):
    response = client_for(cast.enterprise).get(reverse("review_bodies:disqualifications"))
    assert response.status_code == 404


def test_the_proposals_list_has_a_fixed_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    for n in range(3):
        org = Organisation.objects.create(name=f"评审单位{n}", kind="review_unit")
        org.qualifications.create(industry_id="machinery", tier="3")
        propose(cast, org)
    client = client_for(cast.regulator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("review_bodies:disqualifications")).status_code == 200


# --- the API -----------------------------------------------------------------------


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_proposes_and_decides(cast, unit):
    created = api_for(cast.association).post(
        API, {"unit": unit.pk, "reason": "两次不合格", "evidence": "抽查记录"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["failed_spot_checks"] == 0
    refused = api_for(cast.other_regulator).post(
        f"{API}{pk}/decide/", {"decision": "approve", "reason": "x"}, format="json"
    )
    assert refused.status_code == 404
    done = api_for(cast.regulator).post(
        f"{API}{pk}/decide/", {"decision": "approve", "reason": "查实"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"
    unit.refresh_from_db()
    assert unit.status == Organisation.Status.DISQUALIFIED


def test_the_api_refuses_a_proposal_by_a_regulator_and_one_without_evidence(cast, unit):
    body = {"unit": unit.pk, "reason": "x", "evidence": ""}
    assert api_for(cast.association).post(API, body, format="json").status_code == 400
    body["evidence"] = "y"
    assert api_for(cast.city).post(API, body, format="json").status_code == 403
    assert not DisqualificationProposal.objects.exists()


def test_the_api_list_is_scoped(cast, unit):
    propose(cast, unit)
    assert api_for(cast.regulator).get(API).json()["count"] == 1
    assert api_for(cast.reviewer).get(API).json()["count"] == 1
    assert api_for(cast.other_regulator).get(API).json()["count"] == 0
    assert api_for(cast.enterprise).get(API).json()["count"] == 0


def test_a_regulator_reaches_the_proposals_page_from_its_navigation(cast, client_for):
    from portal.navigation import navigation_for

    url = reverse("review_bodies:disqualifications")
    assert url in {item["url"] for item in navigation_for(cast.other_regulator)}
    # A regulator with no unit of its industries sees an empty page, not a refusal.
    page = client_for(cast.other_regulator).get(url)
    assert page.status_code == 200 and "data-status=" not in page.content.decode()


def test_the_api_list_has_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for n in range(3):
        org = Organisation.objects.create(name=f"评审单位API{n}", kind="review_unit")
        org.qualifications.create(industry_id="machinery", tier="3")
        propose(cast, org)
    api = api_for(cast.regulator)
    with django_assert_max_num_queries(8):
        assert api.get(API).json()["count"] == 3
