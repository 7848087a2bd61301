"""/api/v1/applications/<id>/{suggestions,assign,declaration,start-review,
withdraw-assignment}/: the receiver assigns a review unit and team, the unit
signs the no-conflict declarations and starts the on-site review."""

from __future__ import annotations

import datetime

import pytest

from certification.models import Application, Assignment, Status
from portal.models import Industry, Qualification
from reviews.models import ConflictRelation
from tests.certification.test_assignment import accepted, make_unit, reviewers

URL = "/api/v1/applications/"


@pytest.fixture
def version(db):
    from tests.certification.factories import make_tiered_version

    return make_tiered_version()


@pytest.fixture
def unit(cast):
    return cast.reviewer.organisation


@pytest.fixture
def team(unit):
    return reviewers(unit, 3)


def test_assign_sign_start(cast, version, unit, team, api_for):
    application = accepted(cast, version)
    district, reviewer = api_for(cast.district), api_for(cast.reviewer)
    assert reviewer.get(f"{URL}{application.pk}/").status_code == 404

    suggestions = district.get(f"{URL}{application.pk}/suggestions/")
    assert suggestions.status_code == 200
    first = suggestions.json()[0]
    assert first["unit"] == unit.pk and first["eligible"] and first["workload"] == 0
    assert {r["certificate_no"] for r in first["reviewers"]} == {r.certificate_no for r in team}
    assert "assign" in {
        a["name"] for a in district.get(f"{URL}{application.pk}/").json()["actions"]
    }

    assigned = district.post(
        f"{URL}{application.pk}/assign/",
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk, team[2].pk]},
        format="json",
    )
    assert assigned.status_code == 200, assigned.content
    body = assigned.json()
    assert body["status"] == Status.ASSIGNED
    assert body["assignment"]["unit"] == unit.pk
    assert [m["is_leader"] for m in body["assignment"]["members"]] == [True, False, False]

    detail = reviewer.get(f"{URL}{application.pk}/")
    assert detail.status_code == 200
    assert {a["name"] for a in detail.json()["actions"]} == {"start_review"}
    assert reviewer.get(f"/api/v1/enterprises/{cast.ent.pk}/").status_code == 200
    assert [row["id"] for row in reviewer.get("/api/v1/queue/").json()["results"]] == [
        application.pk
    ]

    early = reviewer.post(f"{URL}{application.pk}/start-review/", {}, format="json")
    assert early.status_code == 400 and "still to be signed" in str(early.json())

    for member in team:
        signed = reviewer.post(
            f"{URL}{application.pk}/declaration/", {"reviewer": member.pk}, format="json"
        )
        assert signed.status_code == 200, signed.content
    again = reviewer.post(
        f"{URL}{application.pk}/declaration/", {"reviewer": team[0].pk}, format="json"
    )
    assert again.status_code == 409
    members = reviewer.get(f"{URL}{application.pk}/").json()["assignment"]["members"]
    assert all(m["declaration_signed_at"] and m["signed_by"] == "t-reviewer" for m in members)

    started = reviewer.post(f"{URL}{application.pk}/start-review/", {}, format="json")
    assert started.status_code == 200
    assert started.json()["status"] == Status.ON_SITE_REVIEW
    assert [e["transition"] for e in started.json()["timeline"]] == [
        "submit",
        "accept",
        "assign",
        "start_review",
    ]


def test_a_conflicted_unit_is_refused_with_the_reason(cast, version, unit, team, api_for):
    ConflictRelation.objects.create(
        unit=unit,
        enterprise=cast.ent,
        kind=ConflictRelation.Kind.CONSULTING,
        started_on=datetime.date(2025, 6, 1),
        created_by=cast.city,
    )
    application = accepted(cast, version)
    district = api_for(cast.district)

    refused = district.post(
        f"{URL}{application.pk}/assign/",
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
        format="json",
    )

    assert refused.status_code == 400
    assert "consulted for" in str(refused.json()) and "unit" in refused.json()
    excluded = next(
        s
        for s in district.get(f"{URL}{application.pk}/suggestions/").json()
        if s["unit"] == unit.pk
    )
    assert not excluded["eligible"] and "consulted for" in excluded["reasons"][0]
    assert not Assignment.objects.exists()


def test_bad_team_and_unknown_fields_are_400(cast, version, unit, team, api_for):
    application = accepted(cast, version)
    district = api_for(cast.district)
    stranger = reviewers(make_unit("北京其他评审有限公司"), 1)[0]

    lone = district.post(
        f"{URL}{application.pk}/assign/", {"unit": unit.pk, "leader": team[0].pk}, format="json"
    )
    foreign = district.post(
        f"{URL}{application.pk}/assign/",
        {"unit": unit.pk, "leader": team[0].pk, "members": [stranger.pk]},
        format="json",
    )
    unknown = district.post(
        f"{URL}{application.pk}/assign/",
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk], "extra": 1},
        format="json",
    )
    not_a_unit = district.post(
        f"{URL}{application.pk}/assign/",
        {"unit": cast.association.organisation_id, "leader": team[0].pk, "members": [team[1].pk]},
        format="json",
    )

    assert lone.status_code == 400 and "members" in lone.json()
    assert foreign.status_code == 400 and "not a reviewer of" in str(foreign.json())
    assert unknown.status_code == 400 and not_a_unit.status_code == 400
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "role,status",
    [
        ("district", 200),
        ("district_staff", 200),
        ("enterprise", 403),
        ("city", 403),
        ("association", 404),
        ("other_district", 404),
        ("reviewer", 404),
        ("other_enterprise", 404),
    ],
)
def test_suggestions_are_for_the_receiver(cast, version, api_for, role, status):
    application = accepted(cast, version)

    response = api_for(getattr(cast, role)).get(f"{URL}{application.pk}/suggestions/")

    assert response.status_code == status


@pytest.mark.parametrize(
    "role,status",
    [
        ("enterprise", 403),
        ("city", 403),
        ("reviewer", 404),
        ("association", 404),
        ("other_district", 404),
    ],
)
def test_only_the_receiver_assigns(cast, version, unit, team, api_for, role, status):
    application = accepted(cast, version)

    response = api_for(getattr(cast, role)).post(
        f"{URL}{application.pk}/assign/",
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
        format="json",
    )

    assert response.status_code == status
    assert Application.objects.get(pk=application.pk).status == Status.ACCEPTED


def _assigned(cast, version, unit, team, api_for):
    application = accepted(cast, version)
    api_for(cast.district).post(
        f"{URL}{application.pk}/assign/",
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
        format="json",
    )
    return application


@pytest.mark.parametrize(
    "role,status",
    [
        ("enterprise", 403),
        ("district", 403),
        ("other_district", 404),
        ("other_enterprise", 404),
        ("group", 403),
    ],
)
def test_only_the_unit_signs_and_starts(cast, version, unit, team, api_for, role, status):
    application = _assigned(cast, version, unit, team, api_for)
    client = api_for(getattr(cast, role))

    sign = client.post(
        f"{URL}{application.pk}/declaration/", {"reviewer": team[0].pk}, format="json"
    )
    start = client.post(f"{URL}{application.pk}/start-review/", {}, format="json")

    assert (sign.status_code, start.status_code) == (status, status)
    assert not Assignment.objects.get().members.filter(declaration_signed_at__isnull=False).exists()


def test_another_review_unit_sees_nothing(cast, version, unit, team, api_for):
    from tests.cast import make_user

    other = make_user("t-other-unit", make_unit("北京其他评审有限公司"))
    application = _assigned(cast, version, unit, team, api_for)

    client = api_for(other)
    assert client.get(f"{URL}{application.pk}/").status_code == 404
    assert client.get(f"/api/v1/enterprises/{cast.ent.pk}/").status_code == 404
    assert (
        client.post(
            f"{URL}{application.pk}/declaration/", {"reviewer": team[0].pk}, format="json"
        ).status_code
        == 404
    )


def test_withdrawing_the_assignment_closes_the_unit_s_access(cast, version, unit, team, api_for):
    application = _assigned(cast, version, unit, team, api_for)
    district, reviewer = api_for(cast.district), api_for(cast.reviewer)
    assert reviewer.get(f"{URL}{application.pk}/").status_code == 200

    no_reason = district.post(f"{URL}{application.pk}/withdraw-assignment/", {}, format="json")
    assert no_reason.status_code == 400
    assert (
        reviewer.post(
            f"{URL}{application.pk}/withdraw-assignment/", {"comment": "x"}, format="json"
        ).status_code
        == 403
    )
    withdrawn = district.post(
        f"{URL}{application.pk}/withdraw-assignment/", {"comment": "评审组成员回避"}, format="json"
    )

    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == Status.ACCEPTED
    assert withdrawn.json()["assignment"] is None
    assert reviewer.get(f"{URL}{application.pk}/").status_code == 404
    assert reviewer.get(f"/api/v1/enterprises/{cast.ent.pk}/").status_code == 404
    assert reviewer.get("/api/v1/queue/").json()["results"] == []


def test_a_level_2_application_needs_a_level_2_qualification(cast, version, unit, team, api_for):
    application = accepted(cast, version)
    Application.objects.filter(pk=application.pk).update(
        tier="2", receiver=cast.association.organisation
    )  # set-up only
    association = api_for(cast.association)

    refused = association.post(
        f"{URL}{application.pk}/assign/",
        {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
        format="json",
    )
    assert refused.status_code == 400 and "Not qualified for" in str(refused.json())

    Qualification.objects.create(
        organisation=unit, tier="2", industry=Industry.objects.get(code="machinery")
    )
    assert (
        association.post(
            f"{URL}{application.pk}/assign/",
            {"unit": unit.pk, "leader": team[0].pk, "members": [team[1].pk]},
            format="json",
        ).status_code
        == 200
    )


def test_the_schema_lists_the_assignment_endpoints(api, db):
    from drf_spectacular.validation import validate_schema

    schema = api.get("/api/schema/", {"format": "json"}).json()
    validate_schema(schema)
    assert {
        "/api/v1/applications/{id}/assign/",
        "/api/v1/applications/{id}/declaration/",
        "/api/v1/applications/{id}/start-review/",
        "/api/v1/applications/{id}/withdraw-assignment/",
        "/api/v1/applications/{id}/suggestions/",
    } <= set(schema["paths"])
