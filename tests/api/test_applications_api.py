"""/api/v1/applications/ and /api/v1/queue/: applying for a grade through the API.

The applicant (the enterprise or its group) creates, uploads, declares and
submits; the receiver returns, accepts, rejects or forwards. Each move has
its own endpoint: 409 when someone acted first, 403 for the wrong role,
400 naming the refused field, 404 outside the user's scope. Refused
requests write nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.applications import services
from certification.models import Application, ApplicationEvent, Status
from certification.models.applications import REQUIRED_MATERIALS
from portal.models import AuditEvent, Organisation, OrganisationKind
from tests.cast import make_enterprise
from tests.certification.factories import (
    PDF,
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)

URL = "/api/v1/applications/"
QUEUE = "/api/v1/queue/"

ROLES = [
    "city",
    "district",
    "district_staff",
    "other_district",
    "regulator",
    "other_regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_enterprise",
]
APPLICANT = {"enterprise", "enterprise_staff"}
# Who sees a submitted level 3 application of cast.ent (朝阳区, machinery).
SEES_SUBMITTED = {"city", "district", "district_staff", "regulator", "group", *APPLICANT}
RECEIVER_L3 = {"district", "district_staff"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def assessment(cast, version):
    return submitted_assessment(cast.enterprise, cast.ent, version)


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def draft(cast, assessment, tier="3", *, ready=True) -> Application:
    """A draft built with the services; ``ready``: materials and declaration in."""
    application = services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier=tier
    )
    if ready:
        add_all_materials(cast.enterprise, application)
        services.application_update(
            actor=cast.enterprise, application=application, declaration_confirmed=True
        )
    return application


def submitted(cast, assessment, tier="3") -> Application:
    application = draft(cast, assessment, tier)
    return services.application_submit(actor=cast.enterprise, application=application)


def moves(application) -> list[tuple]:
    return list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "transition", "from_status", "to_status", "actor__username", "comment"
        )
    )


def audited(application) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="certification.application", object_id=str(application.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# --------------------------------------------------------------------------
# The whole intake path


def test_the_whole_intake_path_through_the_api(api_for, cast, assessment):
    enterprise = api_for(cast.enterprise)
    response = enterprise.post(
        URL,
        {
            "enterprise": cast.ent.pk,
            "assessment": assessment.pk,
            "tier": "3",
            "accidents_last_3_years": "无",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    pk = body["id"]
    assert (body["status"], body["receiver"]) == ("draft", cast.district.organisation_id)
    assert body["missing_materials"] == [kind.value for kind in REQUIRED_MATERIALS]
    assert {a["name"] for a in body["actions"]} == {"submit", "withdraw"}

    # Submitting too early names what is missing.
    response = enterprise.post(f"{URL}{pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "Self-assessment report" in response.json()["materials"][0]

    for kind in REQUIRED_MATERIALS:
        response = enterprise.post(
            f"{URL}{pk}/materials/",
            {"kind": kind.value, "file": pdf(f"{kind.value}.pdf")},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
    download = response.json()["download"]
    file = enterprise.get(download)
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF

    response = enterprise.post(f"{URL}{pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "declaration_confirmed" in response.json()

    response = enterprise.patch(
        f"{URL}{pk}/",
        {"declaration_confirmed": True, "serious_injuries_last_year": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["missing_materials"] == []
    assert response.json()["serious_injuries_last_year"] == 1

    response = enterprise.post(f"{URL}{pk}/submit/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert response.json()["due_on"] is not None
    assert {a["name"] for a in response.json()["actions"]} == {"withdraw"}

    district = api_for(cast.district)
    detail = district.get(f"{URL}{pk}/").json()
    assert {a["name"] for a in detail["actions"]} == {"accept", "return", "reject"}
    assert len(detail["materials"]) == 5

    response = district.post(f"{URL}{pk}/return/", {"comment": " "}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = district.post(
        f"{URL}{pk}/return/", {"comment": "组织机构图缺少安全管理人员名单"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"

    # Returned: the applicant corrects materials and declaration, then resubmits.
    response = enterprise.post(
        f"{URL}{pk}/materials/",
        {"kind": "org_chart", "file": pdf("组织机构图（补正）.pdf")},
        format="multipart",
    )
    assert response.status_code == 201
    response = enterprise.patch(f"{URL}{pk}/", {"serious_injuries_last_year": 0}, format="json")
    assert response.status_code == 200
    response = enterprise.post(f"{URL}{pk}/resubmit/", {"comment": "已补充"}, format="json")
    assert response.status_code == 200
    response = district.post(f"{URL}{pk}/accept/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"

    application = Application.objects.get(pk=pk)
    assert moves(application) == [
        ("submit", "draft", "submitted", "t-enterprise", ""),
        ("return", "submitted", "returned", "t-district", "组织机构图缺少安全管理人员名单"),
        ("resubmit", "returned", "submitted", "t-enterprise", "已补充"),
        ("accept", "submitted", "accepted", "t-district", ""),
    ]
    timeline = response.json()["timeline"]
    assert [(e["transition"], e["actor"], e["organisation"]) for e in timeline] == [
        ("submit", "t-enterprise", cast.ent.account.name),
        ("return", "t-district", cast.district.organisation.name),
        ("resubmit", "t-enterprise", cast.ent.account.name),
        ("accept", "t-district", cast.district.organisation.name),
    ]
    assert timeline[1]["comment"] == "组织机构图缺少安全管理人员名单"
    assert audited(application) == [
        "application.create",
        *["application.material.add"] * 5,
        "application.update",
        "application.submit",
        "application.return",
        "application.material.add",
        "application.update",
        "application.resubmit",
        "application.accept",
    ]
    # Accepted: nothing more to change.
    response = enterprise.patch(f"{URL}{pk}/", {"deaths_last_year": 0}, format="json")
    assert response.status_code == 400


def test_the_schema_documents_one_endpoint_per_move(api, db):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    for move in (
        "submit",
        "resubmit",
        "withdraw",
        "accept",
        "return",
        "reject",
        "forward-national",
        "record-national-result",
    ):
        assert set(paths[f"/api/v1/applications/{{id}}/{move}/"]) == {"post"}
    assert set(paths["/api/v1/applications/{id}/"]) == {"get", "patch"}
    assert {
        "/api/v1/queue/",
        "/api/v1/applications/{id}/materials/",
        "/api/v1/applications/{id}/materials/{material_id}/",
    } <= set(paths)


def test_level_2_goes_to_the_association_which_accepts_it(api_for, cast, assessment):
    application = submitted(cast, assessment, tier="2")
    association = api_for(cast.association)
    assert [row["id"] for row in association.get(QUEUE).json()["results"]] == [application.pk]
    # The district sees its enterprise's application but does not receive it.
    response = api_for(cast.district).post(f"{URL}{application.pk}/accept/", {}, format="json")
    assert response.status_code == 403
    response = association.post(f"{URL}{application.pk}/accept/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["receiver_name"] == cast.association.organisation.name
    assert association.get(QUEUE).json()["results"][0]["status"] == "accepted"


def test_level_1_is_forwarded_and_the_national_result_recorded(api_for, cast, assessment):
    application = submitted(cast, assessment, tier="1")
    city = api_for(cast.city)
    detail = city.get(f"{URL}{application.pk}/").json()
    assert {a["name"] for a in detail["actions"]} == {"forward_national", "return", "reject"}
    response = city.post(f"{URL}{application.pk}/accept/", {}, format="json")
    assert response.status_code == 400  # level 1 is not accepted in Beijing
    response = city.post(f"{URL}{application.pk}/forward-national/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "national"

    url = f"{URL}{application.pk}/record-national-result/"
    response = city.post(url, {"national_result": "approved"}, format="json")
    assert response.status_code == 400 and "national_reference" in response.json()
    response = api_for(cast.enterprise).post(
        url, {"national_result": "approved", "national_reference": "x"}, format="json"
    )
    assert response.status_code == 403
    response = city.post(
        url,
        {"national_result": "approved", "national_reference": "应急管理部公告2026年第5号"},
        format="json",
    )
    assert response.status_code == 200
    assert (
        response.json()["status"],
        response.json()["national_result"],
        response.json()["national_reference"],
    ) == ("national_decided", "approved", "应急管理部公告2026年第5号")
    assert [m[0] for m in moves(application)] == [
        "submit",
        "forward_national",
        "record_national_result",
    ]


def test_a_group_applies_for_its_member_and_must_name_it(api_for, cast, assessment):
    group = api_for(cast.group)
    response = group.post(URL, {"assessment": assessment.pk, "tier": "3"}, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()
    response = group.post(
        URL,
        {"enterprise": cast.other_ent.pk, "assessment": assessment.pk, "tier": "3"},
        format="json",
    )
    assert response.status_code == 400 and "enterprise" in response.json()
    response = group.post(
        URL,
        {
            "enterprise": cast.ent.pk,
            "assessment": assessment.pk,
            "tier": "3",
            "declaration_confirmed": True,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["applicant"] == cast.group.organisation_id
    assert response.json()["declaration_confirmed"] is True


# --------------------------------------------------------------------------
# Refusals name the gap


def test_a_score_below_the_tier_is_refused_naming_the_gap(api_for, cast, version):
    low = submitted_assessment(cast.enterprise, cast.ent, version, lose=Decimal("20"))
    response = api_for(cast.enterprise).post(
        URL, {"assessment": low.pk, "tier": "1"}, format="json"
    )
    assert response.status_code == 400
    message = response.json()["tier"][0]
    assert "90" in message and "80.0" in message and "10.0 short" in message
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action="application.create").exists()


def test_a_declared_death_is_refused_on_the_declaration(api_for, cast, assessment):
    response = api_for(cast.enterprise).post(
        URL, {"assessment": assessment.pk, "tier": "1", "deaths_last_year": 1}, format="json"
    )
    assert response.status_code == 400
    assert "1 death" in response.json()["deaths_last_year"][0]
    assert not Application.objects.exists()


def test_a_second_open_application_for_the_tier_is_refused(api_for, cast, assessment):
    draft(cast, assessment, ready=False)
    response = api_for(cast.enterprise).post(
        URL, {"assessment": assessment.pk, "tier": "3"}, format="json"
    )
    assert response.status_code == 400
    assert "already has an open application" in response.json()["tier"][0]
    assert Application.objects.count() == 1


def test_an_unsubmitted_self_assessment_is_refused(api_for, cast, version):
    from reviews import services as review_services

    open_one = review_services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=version
    )
    response = api_for(cast.enterprise).post(
        URL, {"assessment": open_one.pk, "tier": "3"}, format="json"
    )
    assert response.status_code == 400
    assert "Submit the self-assessment first" in response.json()["assessment"][0]


def test_acting_second_is_a_conflict_naming_who_acted(api_for, cast, assessment):
    application = submitted(cast, assessment)
    api_for(cast.district).post(f"{URL}{application.pk}/accept/", {}, format="json")
    response = api_for(cast.district_staff).post(
        f"{URL}{application.pk}/reject/", {"comment": "材料不全"}, format="json"
    )
    assert response.status_code == 409
    assert "t-district (" in response.json()["detail"]
    assert [m[0] for m in moves(application)] == ["submit", "accept"]


# --------------------------------------------------------------------------
# Unknown fields


def test_unknown_fields_are_refused_and_nothing_is_written(api_for, cast, assessment):
    enterprise = api_for(cast.enterprise)
    response = enterprise.post(
        URL, {"assessment": assessment.pk, "tier": "3", "status": "accepted"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["non_field_errors"][0]
    assert not Application.objects.exists()

    application = draft(cast, assessment)
    before = audited(application)
    response = enterprise.patch(f"{URL}{application.pk}/", {"tier": "1"}, format="json")
    assert response.status_code == 400 and "tier" in response.json()["non_field_errors"][0]
    response = enterprise.post(
        f"{URL}{application.pk}/materials/",
        {"kind": "rules", "file": pdf("a.pdf"), "note": "x"},
        format="multipart",
    )
    assert response.status_code == 400
    response = enterprise.post(f"{URL}{application.pk}/submit/", {"force": True}, format="json")
    assert response.status_code == 400 and "force" in response.json()["non_field_errors"][0]
    application.refresh_from_db()
    assert (application.status, application.tier) == ("draft", "3")
    assert application.materials.count() == 5
    assert audited(application) == before


# --------------------------------------------------------------------------
# Scope matrix


def test_list_and_retrieve_follow_the_scope(api_for, cast, assessment, version):
    sub = submitted(cast, assessment)
    other_assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    own_draft = draft(cast, other_assessment, tier="2", ready=False)
    material = sub.materials.first()
    for role in ROLES:
        client = api_for(getattr(cast, role))
        listed = {row["id"] for row in client.get(URL).json()["results"]}
        sees = role in SEES_SUBMITTED
        expected = ({sub.pk} if sees else set()) | ({own_draft.pk} if role in APPLICANT else set())
        assert listed == expected, role
        assert client.get(f"{URL}{sub.pk}/").status_code == (200 if sees else 404), role
        assert client.get(f"{URL}{own_draft.pk}/").status_code == (
            200 if role in APPLICANT else 404
        ), role
        download = client.get(f"{URL}{sub.pk}/materials/{material.pk}/")
        assert download.status_code == (200 if sees else 404), role
    # A material id of another application is not found through this one.
    add_all_materials(cast.enterprise, own_draft)
    other_material = own_draft.materials.first()
    response = api_for(cast.enterprise).get(f"{URL}{sub.pk}/materials/{other_material.pk}/")
    assert response.status_code == 404


def test_anonymous_and_inactive_users_are_refused(api, api_for, cast, pending_user):
    assert api.get(URL).status_code == 401
    assert api.get(QUEUE).status_code == 401
    assert api_for(pending_user).get(URL).status_code == 403
    assert api_for(pending_user).get(QUEUE).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_who_may_create(api_for, cast, assessment, role):
    response = api_for(getattr(cast, role)).post(
        URL, {"enterprise": cast.ent.pk, "assessment": assessment.pk, "tier": "3"}, format="json"
    )
    if role in APPLICANT | {"group"}:
        assert response.status_code == 201
        assert Application.objects.get().created_by == getattr(cast, role)
    else:
        # Another enterprise may apply, but not for cast.ent: the field is refused.
        assert response.status_code == (400 if role == "other_enterprise" else 403), role
        assert not Application.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_accept(api_for, cast, assessment, role):
    application = submitted(cast, assessment)
    response = api_for(getattr(cast, role)).post(
        f"{URL}{application.pk}/accept/", {}, format="json"
    )
    expected = 200 if role in RECEIVER_L3 else 403 if role in SEES_SUBMITTED else 404
    assert response.status_code == expected
    application.refresh_from_db()
    assert application.status == ("accepted" if expected == 200 else "submitted")
    assert len(moves(application)) == (2 if expected == 200 else 1)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_submit_and_change_a_draft(api_for, cast, assessment, role):
    application = draft(cast, assessment)
    client = api_for(getattr(cast, role))
    expected = 200 if role in APPLICANT else 404  # a draft is the applicant's alone
    response = client.patch(f"{URL}{application.pk}/", {"deaths_last_year": 0}, format="json")
    assert response.status_code == expected
    response = client.post(
        f"{URL}{application.pk}/materials/",
        {"kind": "other", "file": pdf("附件.pdf")},
        format="multipart",
    )
    assert response.status_code == (201 if expected == 200 else 404)
    response = client.post(f"{URL}{application.pk}/submit/", {}, format="json")
    assert response.status_code == expected
    application.refresh_from_db()
    assert application.status == ("submitted" if expected == 200 else "draft")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_a_submitted_application(api_for, cast, assessment, role):
    application = submitted(cast, assessment)
    client = api_for(getattr(cast, role))
    response = client.patch(f"{URL}{application.pk}/", {"deaths_last_year": 1}, format="json")
    if role in APPLICANT:
        expected = 400  # the applicant, but only a draft or returned one changes
    else:
        expected = 403 if role in SEES_SUBMITTED else 404
    assert response.status_code == expected
    response = client.post(f"{URL}{application.pk}/withdraw/", {"reason": "x"}, format="json")
    assert response.status_code == (400 if expected != 404 else 404)  # unknown field first
    application.refresh_from_db()
    assert (application.status, application.deaths_last_year) == ("submitted", 0)


def test_withdraw_by_the_applicant_and_a_conflict_afterwards(api_for, cast, assessment):
    application = submitted(cast, assessment)
    response = api_for(cast.enterprise_staff).post(
        f"{URL}{application.pk}/withdraw/", {}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert response.json()["actions"] == []
    response = api_for(cast.district).post(f"{URL}{application.pk}/accept/", {}, format="json")
    assert response.status_code == 409
    assert "t-enterprise-staff" in response.json()["detail"]


# --------------------------------------------------------------------------
# Filters, ordering, queue


def _many(cast, assessment, count: int, start: int = 0) -> None:
    """Submitted level 3 applications of distinct enterprises in 朝阳区.

    Built directly (test set-up only, not a workflow move): the list must
    not query per row, whatever the enterprise, applicant and due date.
    """
    today = timezone.localdate()
    for n in range(start, start + count):
        account = Organisation.objects.create(
            name=f"企业{n}", kind=OrganisationKind.ENTERPRISE, region=cast.chaoyang
        )
        enterprise = make_enterprise(
            f"北京测试{n}有限公司", cast.chaoyang, 100 + n, account=account
        )
        Application.objects.create(
            enterprise=enterprise,
            applicant=account,
            assessment=assessment,
            tier="3",
            industry_id=enterprise.industry_id,
            receiver=cast.district.organisation,
            status=Status.SUBMITTED,
            created_by=cast.enterprise,
            due_on=today + datetime.timedelta(days=n - 3),
        )


def _count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(captured.captured_queries), response.json()["count"]


@pytest.mark.parametrize("url", [URL, QUEUE])
def test_the_list_and_queue_take_a_fixed_number_of_queries(api_for, cast, assessment, url):
    client = api_for(cast.district)
    _many(cast, assessment, 5)
    few, five = _count_queries(client, url)
    _many(cast, assessment, 35, start=5)
    many, forty = _count_queries(client, url)
    assert (five, forty) == (5, 40)
    assert few == many <= 15


def test_filters_and_due_first_ordering(api_for, cast, assessment, version):
    _many(cast, assessment, 5)  # due from 3 days ago to 1 day ahead
    level2 = submitted(cast, submitted_assessment(cast.enterprise, cast.ent, version), "2")
    client = api_for(cast.city)
    rows = client.get(URL).json()["results"]
    dues = [row["due_on"] for row in rows]
    assert dues == sorted(dues)
    overdue = client.get(URL, {"overdue": "true"}).json()["results"]
    assert len(overdue) == 3 and all(row["overdue"] for row in overdue)
    assert [r["id"] for r in client.get(URL, {"tier": "2"}).json()["results"]] == [level2.pk]
    assert [r["id"] for r in client.get(URL, {"enterprise": cast.ent.pk}).json()["results"]] == [
        level2.pk
    ]
    assert client.get(URL, {"district": "110108"}).json()["count"] == 0
    assert client.get(URL, {"district": "110105"}).json()["count"] == 6
    assert client.get(URL, {"industry": "commerce"}).json()["count"] == 0
    assert client.get(URL, {"status": "accepted"}).json()["count"] == 0
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_the_queue_holds_what_awaits_the_users_organisation(api_for, cast, assessment, version):
    waiting = submitted(cast, assessment)
    mine = draft(cast, submitted_assessment(cast.enterprise, cast.ent, version), "2", ready=False)
    assert [r["id"] for r in api_for(cast.district).get(QUEUE).json()["results"]] == [waiting.pk]
    assert [r["id"] for r in api_for(cast.enterprise).get(QUEUE).json()["results"]] == [mine.pk]
    for role in ("city", "regulator", "group", "other_district", "association"):
        assert api_for(getattr(cast, role)).get(QUEUE).json()["count"] == 0, role
    services.application_return(actor=cast.district, application=waiting, comment="补正")
    assert {r["id"] for r in api_for(cast.enterprise).get(QUEUE).json()["results"]} == {
        waiting.pk,
        mine.pk,
    }
    assert api_for(cast.district).get(QUEUE).json()["count"] == 0
