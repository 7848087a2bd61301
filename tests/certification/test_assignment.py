"""Assigning a review unit and team (issue 4, point 5): suggestions, the
conflict-of-interest check, the team, no-conflict declarations, and the
object permissions that open the application and its enterprise to the unit
exactly while it is assigned."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from certification import engine
from certification.applications import services
from certification.assignment import rules as assigning
from certification.models import Application, ApplicationEvent, Assignment, Status
from certification.selectors import queue_for
from enterprises.models import Enterprise
from portal import workdays
from portal.errors import ServiceError
from portal.models import AuditEvent, Industry, Organisation, OrganisationKind, Qualification
from reviews.models import ConflictRelation, Reviewer
from tests.cast import make_enterprise, make_user
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def version(db):
    return make_tiered_version()


def make_unit(name, *, status=Organisation.Status.ACTIVE, tiers=("3",)):
    unit = Organisation.objects.create(name=name, kind=OrganisationKind.REVIEW_UNIT, status=status)
    for tier in tiers:
        Qualification.objects.create(
            organisation=unit, tier=tier, industry=Industry.objects.get(code="machinery")
        )
    return unit


_serial = iter(range(1, 10_000))


def reviewers(unit, n=2, **fields):
    return [
        Reviewer.objects.create(
            unit=unit, name=f"评审员{i}", certificate_no=f"AQBZ-T-{next(_serial):04d}", **fields
        )
        for i in range(n)
    ]


def accepted(cast, version, enterprise=None, applicant=None) -> Application:
    enterprise = enterprise or cast.ent
    applicant = applicant or cast.enterprise
    assessment = submitted_assessment(cast.enterprise, enterprise, version)
    application = services.application_create(
        actor=applicant, enterprise=enterprise, assessment=assessment, tier="3"
    )
    add_all_materials(applicant, application)
    services.application_update(
        actor=applicant, application=application, declaration_confirmed=True
    )
    services.application_submit(actor=applicant, application=application)
    return services.application_accept(actor=cast.district, application=application)


def assign(cast, application, unit, team):
    leader, *members = team
    return services.application_assign(
        actor=cast.district, application=application, unit=unit, leader=leader, members=members
    )


@pytest.fixture
def unit(cast):
    return cast.reviewer.organisation  # 北京安评技术服务有限公司, machinery level 3


@pytest.fixture
def team(unit):
    return reviewers(unit, 2)


def second_enterprise(cast, serial=60):
    return make_enterprise(
        f"北京朝阳第{serial}机械有限公司", cast.chaoyang, serial, group=cast.group.organisation
    )


# --- suggestions ------------------------------------------------------------------------


def test_suggestions_order_eligible_units_by_workload_then_name_and_say_why_others_are_out(
    cast, version, unit
):
    busy = make_unit("北京A评审有限公司")  # name first, but it has work
    idle_b = make_unit("北京C评审有限公司")
    idle_a = make_unit("北京B评审有限公司")
    suspended = make_unit("北京D评审有限公司", status=Organisation.Status.SUSPENDED)
    level2_only = make_unit("北京E评审有限公司", tiers=("2",))
    consulted = make_unit("北京F评审有限公司")
    ConflictRelation.objects.create(
        unit=consulted,
        enterprise=cast.ent,
        kind=ConflictRelation.Kind.CONSULTING,
        started_on=datetime.date(2025, 1, 1),
        created_by=cast.city,
    )
    other = accepted(cast, version, second_enterprise(cast), applicant=cast.group)
    assign(cast, other, busy, reviewers(busy))
    application = accepted(cast, version)

    result = assigning.suggestions(application)

    eligible = [(s.unit.name, s.workload) for s in result if s.eligible]
    # Idle units first, by name (北京B, 北京C, 北京安评), then the busy one.
    assert eligible == [(idle_a.name, 0), (idle_b.name, 0), (unit.name, 0), (busy.name, 1)]
    reasons = {s.unit.name: s.reasons for s in result if not s.eligible}
    assert set(reasons) == {suspended.name, level2_only.name, consulted.name}
    assert reasons[suspended.name] == ["The unit is suspended."]
    assert reasons[level2_only.name][0].startswith("Not qualified for")
    assert reasons[level2_only.name][0].endswith("Level 3.")
    assert "consulted for 北京朝阳精密机械有限公司" in reasons[consulted.name][0]
    # The excluded ones come after every eligible one.
    assert [s.eligible for s in result] == [True] * 4 + [False] * 3


def test_a_small_firm_application_needs_the_small_and_micro_qualification(cast, version):
    application = accepted(cast, version)
    Application.objects.filter(pk=application.pk).update(tier="pass")  # set-up only
    application.refresh_from_db()
    small = make_unit("北京小微评审有限公司", tiers=("small",))

    eligible = {s.unit.pk for s in assigning.suggestions(application) if s.eligible}

    assert eligible == {small.pk}


# --- the conflict-of-interest check ---------------------------------------------------------


@pytest.mark.parametrize(
    "kind,ended_on,blocks,words",
    [
        ("consulting", None, True, "consulted for"),
        ("consulting", "today", True, "consulted for"),
        ("consulting", "yesterday", False, ""),
        ("ownership", None, True, "shares ownership with"),
        ("ownership", "yesterday", False, ""),
    ],
)
def test_a_recorded_relation_blocks_the_unit_while_it_lasts(
    cast, version, unit, team, kind, ended_on, blocks, words
):
    today = timezone.localdate()
    ended = {None: None, "today": today, "yesterday": today - datetime.timedelta(days=1)}
    ConflictRelation.objects.create(
        unit=unit,
        enterprise=cast.ent,
        kind=kind,
        started_on=datetime.date(2024, 5, 1),
        ended_on=ended[ended_on],
        created_by=cast.city,
    )
    application = accepted(cast, version)

    if blocks:
        with pytest.raises(ServiceError) as refused:
            assign(cast, application, unit, team)
        assert refused.value.field == "unit"
        assert unit.name in refused.value.message and words in refused.value.message
        assert "2024-05-01" in refused.value.message
        application.refresh_from_db()
        assert application.status == Status.ACCEPTED and not Assignment.objects.exists()
    else:
        assert assign(cast, application, unit, team).status == Status.ASSIGNED


def _earlier_review(cast, version, unit, *, years_ago=0, withdrawn=False):
    """An earlier application of cast.ent reviewed by the unit."""
    earlier = accepted(cast, version)
    assign(cast, earlier, unit, reviewers(unit))
    Application.objects.filter(pk=earlier.pk).update(status=Status.ANNOUNCED)  # set-up only
    when = timezone.now() - datetime.timedelta(days=365 * years_ago + (1 if years_ago else 0))
    Assignment.objects.filter(application=earlier).update(
        assigned_at=when, withdrawn_at=timezone.now() if withdrawn else None
    )
    return earlier


@pytest.mark.parametrize(
    "years_ago,withdrawn,conflict_years,blocks",
    [
        (1, False, 3, True),
        (4, False, 3, False),
        (4, False, 5, True),
        (1, True, 3, False),  # a withdrawn assignment is no review
        (1, False, 0, False),  # the rule switched off
    ],
)
def test_a_review_within_the_configured_years_blocks_the_unit(
    cast, version, unit, team, settings, years_ago, withdrawn, conflict_years, blocks
):
    settings.REVIEW_CONFLICT_YEARS = conflict_years
    _earlier_review(cast, version, unit, years_ago=years_ago, withdrawn=withdrawn)
    application = accepted(cast, version)

    if blocks:
        with pytest.raises(ServiceError) as refused:
            assign(cast, application, unit, team)
        assert "reviewed 北京朝阳精密机械有限公司" in refused.value.message
        assert f"within the last {conflict_years} years" in refused.value.message
        suggestion = next(s for s in assigning.suggestions(application) if s.unit == unit)
        assert not suggestion.eligible and "reviewed" in suggestion.reasons[0]
    else:
        assert assign(cast, application, unit, team).status == Status.ASSIGNED


def test_the_default_conflict_period_is_three_years():
    assert settings.REVIEW_CONFLICT_YEARS == 3


@pytest.mark.parametrize(
    "problem,message",
    [
        ("suspended", "The unit is suspended."),
        ("not_qualified", "Not qualified for"),
        ("not_a_unit", "is not a review unit"),
    ],
)
def test_an_inactive_or_unqualified_unit_is_refused(cast, version, unit, team, problem, message):
    application = accepted(cast, version)
    if problem == "suspended":
        Organisation.objects.filter(pk=unit.pk).update(status=Organisation.Status.SUSPENDED)
        unit.refresh_from_db()
    elif problem == "not_qualified":
        unit.qualifications.update(tier="2")
    else:
        unit = cast.association.organisation
    with pytest.raises(ServiceError) as refused:
        assign(cast, application, unit, team)
    assert message in refused.value.message and refused.value.field == "unit"


# --- the team -------------------------------------------------------------------------------


def test_the_team_is_two_or_more_active_reviewers_of_the_unit_with_one_leader(cast, version, unit):
    application = accepted(cast, version)
    mine = reviewers(unit, 3)
    inactive = reviewers(unit, 1, is_active=False)[0]
    stranger = reviewers(make_unit("北京其他评审有限公司"), 1)[0]

    def refused(leader, members):
        with pytest.raises(ServiceError) as error:
            services.application_assign(
                actor=cast.district,
                application=application,
                unit=unit,
                leader=leader,
                members=members,
            )
        return error.value

    assert refused(mine[0], []).field == "members"
    assert "at least two" in refused(mine[0], [mine[0]]).message  # the leader counts once
    assert "not a reviewer of" in refused(mine[0], [stranger]).message
    assert "not a reviewer of" in refused(stranger, [mine[0]]).message
    assert "no longer an active reviewer" in refused(mine[0], [inactive]).message
    assert refused(None, mine).field == "leader"
    assert not Assignment.objects.exists()

    services.application_assign(
        actor=cast.district,
        application=application,
        unit=unit,
        leader=mine[1],
        members=[mine[0], mine[1], mine[2]],
    )

    members = Assignment.objects.get().members.all()
    assert len(members) == 3
    assert [m.reviewer for m in members if m.is_leader] == [mine[1]]
    row = AuditEvent.objects.filter(action="application.assign").get()
    assert row.after["unit"] == unit.pk and len(row.after["team"]) == 3


# --- object permissions ---------------------------------------------------------------------


def _sees(client, application) -> tuple[int, int, int, int]:
    return (
        client.get(reverse("certification:detail", args=[application.pk])).status_code,
        client.get(reverse("enterprises:detail", args=[application.enterprise_id])).status_code,
        client.get(f"/api/v1/applications/{application.pk}/").status_code,
        client.get(f"/api/v1/enterprises/{application.enterprise_id}/").status_code,
    )


def test_the_unit_sees_the_application_and_its_enterprise_only_while_assigned(
    cast, version, unit, team, client_for
):
    colleague = make_user("t-reviewer-2", unit)
    other_unit_user = make_user("t-other-reviewer", make_unit("北京其他评审有限公司"))
    application = accepted(cast, version)
    client = client_for(cast.reviewer)
    assert _sees(client, application) == (404, 404, 404, 404)

    assign(cast, application, unit, team)

    assert _sees(client, application) == (200, 200, 200, 200)
    assert list(Application.objects.visible_to(colleague)) == [application]
    assert list(Enterprise.objects.visible_to(colleague)) == [cast.ent]
    assert not Application.objects.visible_to(other_unit_user).exists()
    assert not Enterprise.objects.visible_to(other_unit_user).exists()

    services.application_withdraw_assignment(
        actor=cast.district, application=application, comment="评审单位人员调整"
    )

    assert _sees(client, application) == (404, 404, 404, 404)
    assert not Application.objects.visible_to(colleague).exists()
    ended = Assignment.objects.get()
    assert ended.withdrawn_at is not None and ended.withdrawn_reason == "评审单位人员调整"
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    # It can be assigned again, to the same unit or another.
    assign(cast, application, unit, team)
    assert _sees(client, application) == (200, 200, 200, 200)


def test_a_reviewer_s_own_login_is_granted_too(cast, version, unit, client_for):
    login = make_user("t-freelance", make_unit("北京个人评审有限公司"))
    own, other = reviewers(unit, 2)
    Reviewer.objects.filter(pk=own.pk).update(user=login)
    application = accepted(cast, version)

    assign(cast, application, unit, [own, other])

    assert login.has_perm("certification.view_application", application)
    assert list(Application.objects.visible_to(login)) == [application]


def test_withdrawing_the_application_takes_the_grants_back(cast, version, unit, team, client_for):
    application = accepted(cast, version)
    assign(cast, application, unit, team)

    services.application_withdraw(actor=cast.enterprise, application=application)

    assert _sees(client_for(cast.reviewer), application) == (404, 404, 404, 404)
    assert Assignment.objects.get().withdrawn_at is not None


def test_the_enterprise_stays_visible_while_another_assignment_covers_it(
    cast, version, unit, settings
):
    settings.REVIEW_CONFLICT_YEARS = 0  # the same unit on two open applications
    first = accepted(cast, version)
    assign(cast, first, unit, reviewers(unit))
    Application.objects.filter(pk=first.pk).update(tier="2")  # frees tier 3 (set-up only)
    second = accepted(cast, version)
    assign(cast, second, unit, reviewers(unit))

    services.application_withdraw_assignment(
        actor=cast.district, application=second, comment="调整"
    )

    assert list(Enterprise.objects.visible_to(cast.reviewer)) == [cast.ent]
    assert list(Application.objects.visible_to(cast.reviewer)) == [first]
    services.application_withdraw(actor=cast.enterprise, application=first)
    assert not Enterprise.objects.visible_to(cast.reviewer).exists()


# --- declarations and the start of the review ----------------------------------------------


def test_the_review_starts_only_when_every_member_signed(cast, version, unit, team):
    application = accepted(cast, version)
    assign(cast, application, unit, team)
    assert list(queue_for(cast.reviewer)) == [application]

    with pytest.raises(ServiceError) as refused:
        services.application_start_review(actor=cast.reviewer, application=application)
    assert team[0].name in refused.value.message and team[1].name in refused.value.message

    assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=team[0])
    with pytest.raises(ServiceError) as still:
        services.application_start_review(actor=cast.reviewer, application=application)
    assert team[1].name in still.value.message and team[0].name not in still.value.message

    assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=team[1])
    started = services.application_start_review(actor=cast.reviewer, application=application)

    assert started.status == Status.ON_SITE_REVIEW
    assert started.due_on == workdays.add_working_days(timezone.localdate(), 40)
    assert list(queue_for(cast.reviewer)) == [started]
    assert not queue_for(cast.district).exists()
    # Signatures go to the audit log, not the timeline.
    assert [e.transition for e in ApplicationEvent.objects.filter(application=application)] == [
        "submit",
        "accept",
        "assign",
        "start_review",
    ]
    signed = AuditEvent.objects.filter(action="application.declaration.sign")
    assert signed.count() == 2 and all(row.after["on_behalf"] for row in signed)


def test_who_may_sign_a_declaration(cast, version, unit, client_for):
    application = accepted(cast, version)
    login = make_user("t-reviewer-login", unit)
    own, other = reviewers(unit, 2)
    Reviewer.objects.filter(pk=own.pk).update(user=login)
    own.refresh_from_db()
    assign(cast, application, unit, [own, other])

    with pytest.raises(engine.TransitionForbidden) as personal:
        assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=own)
    assert "signs the declaration personally" in personal.value.message
    for outsider in (cast.district, cast.enterprise):
        with pytest.raises(engine.TransitionForbidden):
            assigning.declaration_sign(actor=outsider, application=application, reviewer=other)

    assigning.declaration_sign(actor=login, application=application, reviewer=own)
    assigning.declaration_sign(actor=login, application=application, reviewer=other)
    with pytest.raises(engine.TransitionConflict) as twice:
        assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=other)
    assert "already signed by t-reviewer-login" in twice.value.message

    members = {m.reviewer_id: m for m in Assignment.objects.get().members.all()}
    assert members[own.pk].declaration_signed_by == login
    assert members[other.pk].declaration_signed_by == login  # for a colleague without a login
    rows = {
        row.after["reviewer"]: row.after["on_behalf"]
        for row in AuditEvent.objects.filter(action="application.declaration.sign")
    }
    assert rows == {own.pk: False, other.pk: True}


def test_a_unit_suspended_after_assignment_cannot_start_and_is_flagged(
    cast, version, unit, team, client_for
):
    application = accepted(cast, version)
    assign(cast, application, unit, team)
    for reviewer in team:
        assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    Organisation.objects.filter(pk=unit.pk).update(status=Organisation.Status.SUSPENDED)

    assert Assignment.objects.get().is_flagged
    page = client_for(cast.district)
    page.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        b'data-testid="assignment-flagged"'
        in page.get(reverse("certification:detail", args=[application.pk])).content
    )
    # A user loaded before the suspension (a request in flight) meets the guard.
    with pytest.raises(ServiceError) as guard:
        services.application_start_review(actor=cast.reviewer, application=application)
    assert "no longer active" in guard.value.message
    fresh = type(cast.reviewer).objects.get(pk=cast.reviewer.pk)
    with pytest.raises(engine.TransitionForbidden):  # after it, they cannot act at all
        services.application_start_review(actor=fresh, application=application)
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED


# --- pages ------------------------------------------------------------------------------------


def test_the_receiver_assigns_on_the_page(cast, version, unit, team, client_for):
    application = accepted(cast, version)
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("certification:detail", args=[application.pk])

    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="suggestions"' in page.content
    assert b'data-testid="assign-form"' not in page.content
    chosen = client.get(url, {"unit": unit.pk})
    assert b'data-testid="assign-form"' in chosen.content
    assert team[0].certificate_no.encode() in chosen.content

    too_small = client.post(
        reverse("certification:assign", args=[application.pk]),
        {"unit": unit.pk, "leader": team[0].pk},
    )
    assert too_small.status_code == 400 and b"at least two reviewers" in too_small.content

    done = client.post(
        reverse("certification:assign", args=[application.pk]),
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
    )
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED
    after = client.get(url)
    assert b'data-testid="assigned-unit"' in after.content
    assert b'data-testid="suggestions"' not in after.content


def test_a_conflicted_unit_is_refused_on_the_page_with_the_reason(
    cast, version, unit, team, client_for
):
    ConflictRelation.objects.create(
        unit=unit,
        enterprise=cast.ent,
        kind=ConflictRelation.Kind.OWNERSHIP,
        started_on=datetime.date(2023, 1, 1),
        created_by=cast.city,
    )
    application = accepted(cast, version)
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("certification:assign", args=[application.pk]),
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
    )

    assert response.status_code == 400
    assert b"shares ownership with" in response.content
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "role,status",
    [
        ("enterprise", 403),
        ("association", 404),
        ("other_district", 404),
        ("reviewer", 404),
        ("city", 403),
    ],
)
def test_only_the_receiver_assigns(cast, version, unit, team, client_for, role, status):
    application = accepted(cast, version)

    response = client_for(getattr(cast, role)).post(
        reverse("certification:assign", args=[application.pk]),
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
    )

    assert response.status_code == status
    assert not Assignment.objects.exists()


def test_the_review_unit_signs_and_starts_on_the_page(cast, version, unit, team, client_for):
    application = accepted(cast, version)
    assign(cast, application, unit, team)
    client = client_for(cast.reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("certification:detail", args=[application.pk])

    page = client.get(url).content.decode()
    assert (
        f'data-testid="sign-{team[0].pk}"' in page and 'data-testid="action-start_review"' in page
    )
    assert list(client.get(reverse("certification:queue")).context["page"].object_list) == [
        application
    ]
    refused = client.post(reverse("certification:act", args=[application.pk, "start_review"]))
    assert refused.status_code == 400 and b"still to be signed" in refused.content

    for reviewer in team:
        assert (
            client.post(
                reverse("certification:sign", args=[application.pk]), {"reviewer": reviewer.pk}
            ).status_code
            == 302
        )
    # The district sees the team but no sign buttons.
    district_page = client_for(cast.district).get(url).content.decode()
    assert 'data-testid="signed"' in district_page and 'data-testid="sign-' not in district_page
    client = client_for(cast.reviewer)
    assert (
        client.post(reverse("certification:act", args=[application.pk, "start_review"])).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == Status.ON_SITE_REVIEW


def test_an_outsider_cannot_sign_on_the_page(cast, version, unit, team, client_for):
    application = accepted(cast, version)
    assign(cast, application, unit, team)

    enterprise = client_for(cast.enterprise).post(
        reverse("certification:sign", args=[application.pk]), {"reviewer": team[0].pk}
    )
    assert enterprise.status_code == 403
    outsider = client_for(cast.other_district).post(
        reverse("certification:sign", args=[application.pk]), {"reviewer": team[0].pk}
    )
    assert outsider.status_code == 404
    assert not Assignment.objects.get().members.filter(declaration_signed_at__isnull=False).exists()


# --- reminders ---------------------------------------------------------------------------------


def test_the_on_site_review_is_reminded_to_the_review_unit(cast, version, unit, team):
    from certification.applications.reminders import send_reminders
    from portal.models import Notification

    application = accepted(cast, version)
    assign(cast, application, unit, team)
    for reviewer in team:
        assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    services.application_start_review(actor=cast.reviewer, application=application)
    Notification.objects.all().delete()
    day = timezone.localdate()
    while not workdays.is_workday(day):
        day += datetime.timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(due_on=day - datetime.timedelta(days=1))

    assert send_reminders(day) == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"t-reviewer"}


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_review_unit_has_an_assigned_application_to_work_on(db):
    from io import StringIO

    from django.core.management import call_command

    from portal.models import User

    call_command("load_standards", verbosity=0)
    call_command("seed_demo", enterprises=0, stdout=StringIO())
    reviewer = User.objects.select_related("organisation").get(username="demo-reviewer")

    work = list(queue_for(reviewer).filter(status=Status.ASSIGNED))
    assert [(a.enterprise.name, a.tier, a.status) for a in work] == [
        ("北京京城朝阳液压机械有限公司", "3", Status.ASSIGNED)
    ]
    # The unit sees what is assigned to it and the enterprises concerned: here
    # the demo's applications from assignment up to publicity.
    visible = Application.objects.visible_to(reviewer)
    assert work[0] in visible and set(visible.values_list("status", flat=True)) == {
        Status.ASSIGNED,
        Status.ON_SITE_REVIEW,
        Status.RECTIFICATION,
        Status.REPORTED,
        Status.VERIFIED,
        Status.APPROVED,
        Status.PUBLICITY,
    }
    assert set(Enterprise.objects.visible_to(reviewer)) == {a.enterprise for a in visible}
    members = Assignment.objects.get(application=work[0]).members.select_related("reviewer")
    assert sorted((m.reviewer.certificate_no, m.is_leader) for m in members) == [
        ("AQBZ-2026-0001", True),
        ("AQBZ-2026-0002", False),
        ("AQBZ-2026-0003", False),
    ]
    assert all(m.declaration_signed_at is None for m in members)
    member = members[0]
    assert assigning.may_sign_for(reviewer, member)  # no reviewer has a login of their own
    assert work[0].events.last().actor.username == "demo-district"
