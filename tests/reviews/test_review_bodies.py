"""Review units managed by the organising units and the city office: pages and services.

Matching rule under test: an organising unit manages the review units qualified
in an industry it organises, whatever the tiers (the cast's association organises
machinery level 2, its review unit is qualified for machinery level 3).
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certification.applications.services import application_create
from certification.models import Assignment, AssignmentMember
from portal.errors import ServiceError
from portal.models import AuditEvent, Industry, Notification, Organisation, Qualification
from reviews.bodies import selectors as selectors_bodies
from reviews.bodies import services as services_bodies
from reviews.models import ConflictRelation, Reviewer
from tests.cast import make_user
from tests.certification.factories import make_tiered_version, submitted_assessment


@pytest.fixture
def unit(cast):
    return cast.reviewer.organisation


@pytest.fixture
def other_unit(cast):
    """A construction review unit: the association does not organise construction."""
    org = Organisation.objects.create(name="北京建安评审中心", kind="review_unit")
    Qualification.objects.create(organisation=org, industry_id="construction", tier="3")
    return org


@pytest.fixture
def reviewer(unit):
    r = Reviewer.objects.create(unit=unit, name="李评审", certificate_no="PS-2024-001")
    r.specialties.set([Industry.objects.get(code="machinery")])
    return r


def page(client_for, user, url, data=None):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(url, data or {}) if data is not None else client.get(url)


def detail_url(unit):
    return reverse("review_bodies:detail", args=[unit.pk])


# --- scope ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["city", "association"])
def test_managers_see_the_list_with_their_units(client_for, cast, unit, other_unit, who):
    response = page(client_for, getattr(cast, who), reverse("review_bodies:list"))

    assert response.status_code == 200
    assert unit.name in response.text
    assert (other_unit.name in response.text) == (who == "city")


@pytest.mark.parametrize(
    "who", ["district", "district_staff", "regulator", "group", "enterprise", "other_enterprise"]
)
def test_everyone_else_gets_404_on_the_list_and_every_page(client_for, cast, unit, reviewer, who):
    user = getattr(cast, who)
    conflict = ConflictRelation.objects.create(
        unit=unit,
        enterprise=cast.ent,
        kind="consulting",
        started_on=datetime.date(2024, 1, 1),
        created_by=cast.city,
    )
    assert page(client_for, user, reverse("review_bodies:list")).status_code == 404
    assert page(client_for, user, detail_url(unit)).status_code == 404
    for name, args in [
        ("status", [unit.pk]),
        ("reviewer_add", [unit.pk]),
        ("reviewer_edit", [unit.pk, reviewer.pk]),
        ("reviewer_active", [unit.pk, reviewer.pk]),
        ("conflict_add", [unit.pk]),
        ("conflict_end", [unit.pk, conflict.pk]),
    ]:
        assert (
            page(
                client_for,
                user,
                reverse(f"review_bodies:{name}", args=args),
                {"status": "suspended", "reason": "x"},
            ).status_code
            == 404
        ), name
    unit.refresh_from_db()
    assert unit.status == "active"


def test_the_association_gets_404_for_a_unit_of_an_industry_it_does_not_organise(
    client_for, cast, other_unit
):
    assert page(client_for, cast.association, detail_url(other_unit)).status_code == 404
    response = page(
        client_for,
        cast.association,
        reverse("review_bodies:status", args=[other_unit.pk]),
        {"status": "suspended", "reason": "x"},
    )
    assert response.status_code == 404
    other_unit.refresh_from_db()
    assert other_unit.status == "active"


def test_a_review_unit_reads_its_own_page_only_and_cannot_write(
    client_for, cast, unit, other_unit, reviewer
):
    listing = page(client_for, cast.reviewer, reverse("review_bodies:list"))
    assert listing.status_code == 302 and listing.url == detail_url(unit)

    own = page(client_for, cast.reviewer, detail_url(unit))
    assert own.status_code == 200
    assert reviewer.certificate_no in own.text
    assert 'data-testid="status-form"' not in own.text
    assert 'data-testid="reviewer-add-form"' not in own.text
    assert page(client_for, cast.reviewer, detail_url(other_unit)).status_code == 404

    for name, args in [
        ("status", [unit.pk]),
        ("reviewer_add", [unit.pk]),
        ("reviewer_edit", [unit.pk, reviewer.pk]),
        ("reviewer_active", [unit.pk, reviewer.pk]),
        ("conflict_add", [unit.pk]),
    ]:
        assert (
            page(
                client_for,
                cast.reviewer,
                reverse(f"review_bodies:{name}", args=args),
                {"status": "suspended", "reason": "x", "active": "0"},
            ).status_code
            == 403
        ), name
    reviewer.refresh_from_db()
    assert reviewer.is_active


def test_the_nav_shows_review_units_to_the_organising_unit_and_the_city_only(client_for, cast):
    for who, shown in [
        ("city", True),
        ("association", True),
        ("district", False),
        ("reviewer", False),
        ("enterprise", False),
    ]:
        response = page(client_for, getattr(cast, who), reverse("home"))
        assert (reverse("review_bodies:list") in response.text) == shown, who


# --- list ----------------------------------------------------------------------


def test_the_list_filters_by_name_status_and_qualification(client_for, cast, unit, other_unit):
    url = reverse("review_bodies:list")
    services_bodies.unit_set_status(
        actor=cast.city, unit=other_unit, status="suspended", reason="检查不合格"
    )

    assert other_unit.name not in page(client_for, cast.city, url + "?q=技术服务").text
    by_status = page(client_for, cast.city, url + "?status=suspended").text
    assert other_unit.name in by_status and unit.name not in by_status
    by_industry = page(client_for, cast.city, url + "?industry=machinery").text
    assert unit.name in by_industry and other_unit.name not in by_industry
    assert unit.name not in page(client_for, cast.city, url + "?industry=machinery&tier=1").text


def test_the_list_runs_a_constant_number_of_queries(
    client_for, cast, django_assert_max_num_queries
):
    client = client_for(cast.city)
    client.get(reverse("review_bodies:list"))  # warm the session and the caches
    for n in range(30):
        org = Organisation.objects.create(name=f"评审单位{n:02d}", kind="review_unit")
        Qualification.objects.create(organisation=org, industry_id="machinery", tier="3")
        Qualification.objects.create(organisation=org, industry_id="commerce", tier="2")
        Reviewer.objects.create(unit=org, name=f"评审员{n}", certificate_no=f"C-{n}")

    with django_assert_max_num_queries(8):
        response = client.get(reverse("review_bodies:list"))
    assert response.status_code == 200
    assert response.text.count("评审单位") >= 30


# --- status --------------------------------------------------------------------


def test_the_association_suspends_its_unit_with_a_reason_audited_and_notified(
    client_for, cast, unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = page(
            client_for,
            cast.association,
            reverse("review_bodies:status", args=[unit.pk]),
            {"status": "suspended", "reason": "现场评审记录不全", "expected": "active"},
        )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.status, unit.status_reason) == ("suspended", "现场评审记录不全")
    event = AuditEvent.objects.get(action="review_unit.status")
    assert event.actor == cast.association
    assert event.before["status"] == "active" and event.after["status"] == "suspended"
    assert Notification.objects.filter(
        recipient=cast.reviewer, text__contains="现场评审记录不全"
    ).exists()


def test_a_status_change_without_a_reason_is_refused(client_for, cast, unit):
    response = page(
        client_for,
        cast.association,
        reverse("review_bodies:status", args=[unit.pk]),
        {"status": "suspended", "reason": "  "},
    )

    assert response.status_code == 400
    unit.refresh_from_db()
    assert unit.status == "active"
    assert not AuditEvent.objects.filter(action="review_unit.status").exists()


def test_a_status_change_from_a_stale_form_is_refused(client_for, cast, unit):
    services_bodies.unit_set_status(actor=cast.city, unit=unit, status="suspended", reason="first")

    response = page(
        client_for,
        cast.association,
        reverse("review_bodies:status", args=[unit.pk]),
        {"status": "suspended", "reason": "second", "expected": "active"},
    )

    assert response.status_code == 400
    assert "changed meanwhile" in response.text
    unit.refresh_from_db()
    assert unit.status_reason == "first"


def test_only_the_city_office_reinstates_a_disqualified_unit(cast, unit):
    # Disqualified on the organising unit's proposal by the city office's decision
    # (tests/reviews/test_disqualification.py); the status form cannot disqualify.
    from reviews.bodies import disqualification

    proposal = disqualification.proposal_create(
        actor=cast.association, unit=unit, reason="违规", evidence="抽查记录"
    )
    disqualification.proposal_decide(
        actor=cast.city, proposal=proposal, approve=True, reason="违规"
    )
    with pytest.raises(ServiceError):
        services_bodies.unit_set_status(
            actor=cast.association, unit=unit, status="active", reason="整改完成"
        )
    with pytest.raises(ServiceError):
        services_bodies.unit_set_status(
            actor=cast.city, unit=unit, status="disqualified", reason="again"
        )

    services_bodies.unit_set_status(actor=cast.city, unit=unit, status="active", reason="整改完成")
    unit.refresh_from_db()
    assert unit.status == "active"


# --- reviewers -----------------------------------------------------------------


def test_the_association_adds_a_reviewer_audited(client_for, cast, unit):
    response = page(
        client_for,
        cast.association,
        reverse("review_bodies:reviewer_add", args=[unit.pk]),
        {
            "reviewer-name": "王工",
            "reviewer-certificate_no": "PS-9",
            "reviewer-specialties": ["machinery", "commerce"],
        },
    )

    assert response.status_code == 302
    added = Reviewer.objects.get(certificate_no="PS-9")
    assert added.unit == unit
    assert set(added.specialties.values_list("code", flat=True)) == {"machinery", "commerce"}
    assert AuditEvent.objects.filter(action="reviewer.create", object_id=str(added.pk)).exists()


def test_a_duplicate_certificate_number_is_refused_naming_its_holder(
    client_for, cast, unit, other_unit
):
    Reviewer.objects.create(unit=other_unit, name="赵工", certificate_no="PS-7")

    response = page(
        client_for,
        cast.association,
        reverse("review_bodies:reviewer_add", args=[unit.pk]),
        {"reviewer-name": "王工", "reviewer-certificate_no": "ps-7"},
    )

    assert response.status_code == 400
    assert "already registered to 赵工 of 北京建安评审中心" in response.text
    assert not Reviewer.objects.filter(unit=unit).exists()


def test_a_reviewer_is_edited_and_deactivated_audited(client_for, cast, unit, reviewer):
    edit = reverse("review_bodies:reviewer_edit", args=[unit.pk, reviewer.pk])
    assert page(client_for, cast.association, edit).status_code == 200
    response = page(
        client_for,
        cast.association,
        edit,
        {"name": "李评审", "certificate_no": "PS-2024-002", "specialties": ["commerce"]},
    )
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.certificate_no == "PS-2024-002"
    event = AuditEvent.objects.get(action="reviewer.update")
    assert event.before["certificate_no"] == "PS-2024-001"
    assert event.after["specialties"] == ["commerce"]

    page(
        client_for,
        cast.association,
        reverse("review_bodies:reviewer_active", args=[unit.pk, reviewer.pk]),
        {"active": "0"},
    )
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    assert AuditEvent.objects.filter(action="reviewer.deactivate").exists()


def test_a_reviewer_login_must_belong_to_the_unit(cast, unit, reviewer):
    reviewer.user = cast.association
    with pytest.raises(ServiceError) as info:
        services_bodies.reviewer_save(actor=cast.city, reviewer=reviewer)
    assert info.value.field == "user"
    reviewer.user = make_user("t-reviewer-2", unit)
    services_bodies.reviewer_save(actor=cast.city, reviewer=reviewer)


def test_a_reviewer_of_another_unit_is_404_on_this_units_urls(client_for, cast, unit, other_unit):
    stranger = Reviewer.objects.create(unit=other_unit, name="赵工", certificate_no="PS-7")
    url = reverse("review_bodies:reviewer_edit", args=[unit.pk, stranger.pk])
    assert page(client_for, cast.association, url).status_code == 404


# --- conflicts -----------------------------------------------------------------


def test_the_enterprise_search_offers_only_enterprises_the_manager_sees(client_for, cast, unit):
    found = page(client_for, cast.association, detail_url(unit) + f"?ent_q={cast.ent.uscc}")
    assert cast.ent.name in found.text
    hidden = page(client_for, cast.association, detail_url(unit) + "?ent_q=海淀商贸")
    assert 'data-testid="no-match"' in hidden.text


def test_a_conflict_is_recorded_and_ended_audited(client_for, cast, unit):
    add = reverse("review_bodies:conflict_add", args=[unit.pk])
    response = page(
        client_for,
        cast.association,
        add,
        {
            "conflict-enterprise": cast.ent.pk,
            "conflict-kind": "consulting",
            "conflict-started_on": "2024-03-01",
            "conflict-note": "2024年提供咨询服务",
        },
    )
    assert response.status_code == 302
    conflict = ConflictRelation.objects.get(unit=unit, enterprise=cast.ent)
    assert conflict.created_by == cast.association
    assert AuditEvent.objects.filter(action="conflict.create").exists()

    again = page(
        client_for,
        cast.association,
        add,
        {
            "conflict-enterprise": cast.ent.pk,
            "conflict-kind": "consulting",
            "conflict-started_on": "2024-05-01",
        },
    )
    assert again.status_code == 400
    assert ConflictRelation.objects.count() == 1

    page(
        client_for,
        cast.association,
        reverse("review_bodies:conflict_end", args=[unit.pk, conflict.pk]),
        {"ended_on": "2025-01-31"},
    )
    conflict.refresh_from_db()
    assert conflict.ended_on == datetime.date(2025, 1, 31)
    assert AuditEvent.objects.filter(action="conflict.end").exists()


def test_a_conflict_with_an_enterprise_the_manager_cannot_see_is_refused(client_for, cast, unit):
    response = page(
        client_for,
        cast.association,
        reverse("review_bodies:conflict_add", args=[unit.pk]),
        {
            "conflict-enterprise": cast.other_ent.pk,
            "conflict-kind": "ownership",
            "conflict-started_on": "2024-03-01",
        },
    )
    assert response.status_code == 400
    assert not ConflictRelation.objects.exists()


def test_an_end_date_before_the_start_is_refused(cast, unit):
    conflict = services_bodies.conflict_record(
        actor=cast.city,
        unit=unit,
        enterprise=cast.ent,
        kind="ownership",
        started_on=datetime.date(2024, 6, 1),
    )
    with pytest.raises(ServiceError):
        services_bodies.conflict_end(
            actor=cast.city, conflict=conflict, ended_on=datetime.date(2024, 1, 1)
        )


# --- figures -------------------------------------------------------------------


@pytest.fixture
def assignments(cast, unit, reviewer):
    """One withdrawn (past) and one current assignment, the reviewer on the current one."""
    assessment = submitted_assessment(cast.enterprise, cast.ent, make_tiered_version())
    application = application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
    )
    Assignment.objects.create(
        application=application,
        unit=unit,
        assigned_by=cast.association,
        withdrawn_at=timezone.now(),
        withdrawn_reason="回避",
    )
    current = Assignment.objects.create(
        application=application, unit=unit, assigned_by=cast.association
    )
    AssignmentMember.objects.create(assignment=current, reviewer=reviewer, is_leader=True)
    return current


def test_the_unit_page_shows_current_and_past_assignments(
    client_for, cast, unit, reviewer, assignments
):
    figures = selectors_bodies.unit_figures(unit)
    assert (figures.unit.current, figures.unit.past, figures.flagged) == (1, 1, 0)
    assert (figures.per_reviewer[reviewer.pk].current, figures.per_reviewer[reviewer.pk].past) == (
        1,
        0,
    )

    response = page(client_for, cast.association, detail_url(unit))
    assert 'data-testid="unit-figures"' in response.text
    assert 'data-testid="flagged-count"' not in response.text


def test_suspending_a_unit_flags_its_current_assignments(client_for, cast, unit, assignments):
    services_bodies.unit_set_status(
        actor=cast.association, unit=unit, status="suspended", reason="暂停"
    )

    assignments.refresh_from_db()
    assert assignments.is_flagged
    assert selectors_bodies.unit_figures(unit).flagged == 1
    response = page(client_for, cast.association, detail_url(unit))
    assert 'data-testid="flagged-count"' in response.text
