"""Officials' pages as people read them: the application list's filters that can
matter for the role, the stacked-card markup, confirmations on the moves that
bind, the application's link to its self-assessment, the verification batch
page (names, the draw behind a disclosure, approving the passed reports in one
action) and the self-assessment list's search and filters."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from certification import engine
from certification.models import Application, Status
from certification.verification import approval, spot_checks
from certification.workflow import CONFIRMED, TRANSITIONS
from portal.models import AuditEvent
from reviews.models import Assessment
from tests.cast import make_enterprise, make_user
from tests.certification.factories import (
    make_tiered_version,
    submitted_application,
    submitted_assessment,
)
from tests.certification.test_verification import drawn_check, make_batch, reported_many


@pytest.fixture
def version(db):
    return make_tiered_version()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- the application list and page --------------------------------------------------


def test_an_enterprise_is_not_offered_district_or_industry_filters(cast, client_for, version):
    submitted_application(cast, version)
    html = client_for(cast.enterprise).get(reverse("certification:list")).content.decode()
    assert 'data-testid="application-filters"' in html
    assert 'data-testid="district-filter"' not in html
    assert 'data-testid="industry-filter"' not in html
    html = client_for(cast.district).get(reverse("certification:list")).content.decode()
    assert 'data-testid="district-filter"' not in html  # its own district only
    assert 'data-testid="industry-filter"' in html
    html = client_for(cast.city).get(reverse("certification:list")).content.decode()
    assert 'data-testid="district-filter"' in html


def test_the_list_rows_carry_their_column_names_for_phone_cards(cast, client_for, version):
    submitted_application(cast, version)
    client = english(client_for(cast.district))
    html = client.get(reverse("certification:list")).content.decode()
    assert 'table-stack" data-testid="application-table"' in html
    for label in ("Grade", "District", "Industry", "Received by", "Status", "Due"):
        assert f'data-label="{label}"' in html
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    html = client.get(reverse("certification:list")).content.decode()
    assert 'data-label="状态"' in html


def test_the_moves_that_bind_ask_first_and_the_others_do_not(cast, client_for, version):
    application = submitted_application(cast, version)
    client = english(client_for(cast.district))
    html = client.get(reverse("certification:detail", args=[application.pk])).content.decode()
    question = f"Accept: {cast.ent.name}. This cannot be undone from this page. Go ahead?"
    assert f'data-testid="do-accept" data-confirm="{question}"' in html
    assert 'data-testid="do-return">' in html  # returning asks for reasons instead
    assert {"accept", "verify", "announce", "withdraw"} <= CONFIRMED
    assert TRANSITIONS["accept"].confirm and not TRANSITIONS["return"].confirm
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    html = client.get(reverse("certification:detail", args=[application.pk])).content.decode()
    assert f"受理：{cast.ent.name}。" in html


def test_the_application_links_to_its_self_assessment(cast, client_for, version):
    application = submitted_application(cast, version)
    html = client_for(cast.district).get(reverse("certification:detail", args=[application.pk]))
    link = reverse("assessments:detail", args=[application.assessment_id])
    assert f'href="{link}" data-testid="assessment-link"' in html.content.decode()
    assert client_for(cast.district).get(link).status_code == 200


# --- the verification batch page ----------------------------------------------------


def batch_url(batch):
    return reverse("certification:verification_batch", args=[batch.pk])


def approve_url(batch):
    return reverse("certification:verification_batch_approve", args=[batch.pk])


def test_the_batch_page_names_enterprises_and_keeps_the_draw_behind_a_disclosure(
    cast, version, client_for
):
    applications = reported_many(cast, version, 4)
    batch = make_batch(cast, applications)
    client = english(client_for(cast.district))
    html = client.get(batch_url(batch)).content.decode()
    drawn = [
        a
        for a in applications
        if a.pk in set(batch.checks.filter(required=True).values_list("application_id", flat=True))
    ]
    names = html[html.index('data-testid="drawn-names"') : html.index('data-testid="draw-details"')]
    for application in drawn:
        assert application.enterprise.name in names
    assert f"#{applications[0].pk}<" not in html  # no bare ids beside names
    details = html[html.index('data-testid="draw-details"') :]
    assert "How to check this draw" in details and batch.seed in details
    assert html.index(batch.seed) > html.index("<details")


def test_the_passed_reports_of_a_batch_are_approved_in_one_action(cast, version, client_for):
    applications = reported_many(cast, version, 4)
    batch = make_batch(cast, applications)
    checks = list(batch.checks.filter(required=True).order_by("pk"))
    spot_checks.spot_check_record(actor=cast.district, check=checks[0], result="passed", notes="")
    pending = Application.objects.get(pk=checks[1].application_id)
    client = english(client_for(cast.district))
    page = client.get(batch_url(batch))
    approvable = {item.application_id for item in page.context["approvable"]}
    assert pending.pk not in approvable and len(approvable) == 3
    assert (
        'data-testid="do-approve-passed" data-confirm="Approve 3 review reports'
        in page.content.decode()
    )
    response = client.post(approve_url(batch), follow=True)
    assert response.redirect_chain[-1][0] == batch_url(batch)
    statuses = dict(
        Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("pk", "status")
    )
    assert statuses.pop(pending.pk) == Status.REPORTED  # its drawn check is not recorded
    assert set(statuses.values()) == {Status.VERIFIED}
    assert AuditEvent.objects.filter(action="application.verify").count() == 3
    assert "3 reports approved" in response.content.decode()
    # Again: nothing left to approve, nothing changes.
    response = client.post(approve_url(batch), follow=True)
    assert "No report of this batch is waiting for approval." in response.content.decode()
    assert AuditEvent.objects.filter(action="application.verify").count() == 3


def test_a_failed_check_is_not_approved_and_others_may_not_approve(cast, version, client_for):
    (application,) = reported_many(cast, version, 1)
    batch = make_batch(cast, [application])
    spot_checks.spot_check_record(
        actor=cast.district, check=drawn_check(batch), result="failed", notes="报告失实。"
    )
    assert approval.passed_reports(batch) == []
    assert client_for(cast.city).post(approve_url(batch)).status_code == 403  # reads only
    assert client_for(cast.other_district).post(approve_url(batch)).status_code == 404
    assert client_for(cast.enterprise).post(approve_url(batch)).status_code == 404
    assert client_for(cast.district).get(approve_url(batch)).status_code == 405
    application.refresh_from_db()
    assert application.status == Status.REPORTED
    assert not AuditEvent.objects.filter(action="application.verify").exists()


def test_a_report_refused_at_approval_is_named_and_the_others_go_ahead(cast, version):
    applications = reported_many(cast, version, 3)
    batch = make_batch(cast, applications)
    for check in batch.checks.filter(required=True):
        spot_checks.spot_check_record(actor=cast.district, check=check, result="passed", notes="")
    # One report proposed no grade: verify refuses it.
    from certification.models import OnSiteReview

    OnSiteReview.objects.filter(application=applications[0]).update(proposed_tier="")
    with translation.override("en"):
        outcome = approval.batch_approve_passed(actor=cast.district, batch=batch)
    assert [a.pk for a in outcome.approved] == [a.pk for a in applications[1:]]
    ((refused, reason),) = outcome.refused
    assert refused.pk == applications[0].pk and "proposed no grade" in reason
    with pytest.raises(engine.TransitionForbidden):
        approval.batch_approve_passed(actor=cast.city, batch=batch)


# --- the self-assessment list -------------------------------------------------------


def test_the_self_assessment_list_searches_filters_and_leaves_out_review_sheets(
    cast, client_for, version
):
    mine = submitted_assessment(cast.enterprise, cast.ent, version)
    org = cast.enterprise.organisation.__class__.objects.create(
        name="北京朝阳第二机械有限公司", kind="enterprise", region=cast.chaoyang
    )
    other = make_enterprise(org.name, cast.chaoyang, 901, account=org)
    theirs = submitted_assessment(make_user("t-ent-901", org), other, version)
    review_sheet = Assessment.objects.create(
        enterprise=cast.ent,
        version=version,
        kind=Assessment.Kind.REVIEW,
        status="submitted",
        created_by=cast.reviewer,
    )
    client = client_for(cast.district)

    def listed(params):
        return [a.pk for a in client.get(reverse("assessments:list"), params).context["page"]]

    assert set(listed({})) == {mine.pk, theirs.pk} and review_sheet.pk not in listed({})
    assert listed({"q": "第二"}) == [theirs.pk]
    assert listed({"q": cast.ent.uscc}) == [mine.pk]
    assert listed({"standard": version.standard_id}) != []
    assert listed({"standard": "x"}) != []  # a bad value narrows nothing, no error
    html = client.get(reverse("assessments:list")).content.decode()
    assert 'data-testid="assessment-search"' in html and 'data-testid="district-filter"' not in html
    # The enterprise: its own only, filtered by status; no search, no district.
    client = client_for(cast.enterprise)
    html = client.get(reverse("assessments:list")).content.decode()
    assert 'data-testid="status-filter"' in html and 'data-testid="assessment-search"' not in html
    assert [
        a.pk for a in client.get(reverse("assessments:list"), {"status": "draft"}).context["page"]
    ] == []
    assert [
        a.pk for a in client.get(reverse("assessments:list"), {"q": "第二"}).context["page"]
    ] == [mine.pk]


def test_the_self_assessment_list_reads_in_a_few_queries(
    cast, client_for, version, django_assert_max_num_queries
):
    for _ in range(3):
        submitted_assessment(cast.enterprise, cast.ent, version)
    client = client_for(cast.city)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("assessments:list"))
    assert len(response.context["page"]) == 3
    html = response.content.decode()
    assert 'data-testid="district-filter"' in html  # the city spans every district


def test_the_api_approves_a_batchs_passed_reports_with_the_same_rules(cast, version):
    from rest_framework.test import APIClient

    applications = reported_many(cast, version, 3)
    batch = make_batch(cast, applications)
    pending = batch.checks.get(required=True)
    url = f"/api/v1/verification-batches/{batch.pk}/approve/"
    api = APIClient()
    api.force_authenticate(cast.city)
    assert api.post(url).status_code == 403  # reads every batch, approves none
    api.force_authenticate(cast.other_district)
    assert api.post(url).status_code == 404
    api.force_authenticate(cast.district)
    body = api.post(url).json()
    undrawn = sorted(a.pk for a in applications if a.pk != pending.application_id)
    assert sorted(body["approved"]) == undrawn and body["refused"] == []
    assert Application.objects.get(pk=pending.application_id).status == Status.REPORTED
    assert api.post(url).json() == {"approved": [], "refused": []}
