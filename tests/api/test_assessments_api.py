"""/api/v1/assessments/: self-assessments, their rows, answers and evidence.

The enterprise's own users create, answer and submit; whoever oversees the
enterprise reads the submitted ones; everyone else gets 404. Refused
requests write nothing and leave no audit row.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import AuditEvent
from reviews import services
from reviews.models import Assessment, AssessmentRow, Evidence, StandardVersion
from tests.api.test_standards_api import (  # noqa: F401 (the autouse fixture)
    ROLES,
    _fresh_spec_cache,
    build_standard,
    wide_tree,
)

URL = "/api/v1/assessments/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

OWN = {"enterprise", "enterprise_staff"}
# Those who see cast.ent, and so its submitted assessments.
OVERSEE = {"city", "district", "district_staff", "regulator", "association", "group"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(cast):
    return build_standard()


def pdf(name: str = "安全生产目标管理制度.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_assessment(cast, version, *, answer=True, submit=False) -> Assessment:
    """Built with the services, as the enterprise would: every row compliant,
    one evidence file on the first row."""
    assessment = services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=version, team_leader="张伟"
    )
    rows = list(assessment.rows.select_related("criterion", "assessment"))
    if answer:
        for row in rows:
            services.row_save(
                actor=cast.enterprise, row=row, result="compliant", revision=row.revision
            )
    services.evidence_add(actor=cast.enterprise, row=rows[0], upload=pdf())
    if submit:
        services.assessment_submit(actor=cast.enterprise, assessment=assessment)
    return assessment


def rows_of(assessment: Assessment) -> dict[str, AssessmentRow]:
    return {row.criterion.code: row for row in assessment.rows.select_related("criterion")}


def state(assessment: Assessment) -> tuple:
    """Everything a refused request must leave as it was."""
    assessment.refresh_from_db()
    return (
        assessment.status,
        assessment.team_leader,
        assessment.deaths_last_year,
        sorted(
            assessment.rows.values_list(
                "id", "result", "deduction", "na_reason", "notes", "revision"
            )
        ),
        Evidence.objects.filter(row__assessment=assessment).count(),
        AuditEvent.objects.count(),
    )


# --------------------------------------------------------------------------
# The whole flow through the API


def test_an_enterprise_completes_and_submits_a_self_assessment(api_for, cast, version):
    client = api_for(cast.enterprise)

    created = client.post(
        URL,
        {
            "version": version.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "team_leader": "张伟",
            "team_members": "李娜 安全员\n王强 设备主管",
            "deaths_last_year": 0,
        },
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assessment = Assessment.objects.get(pk=body["id"])
    assert (assessment.enterprise, assessment.version) == (cast.ent, version)
    assert body["status"] == "draft" and body["can_edit"] is True
    assert (body["score"]["answered"], body["score"]["total"]) == (0, 5)
    assert AuditEvent.objects.filter(
        action="assessment.create", object_id=str(assessment.pk)
    ).exists()

    rows = client.get(f"{URL}{assessment.pk}/rows/").json()
    assert [row["criterion"] for row in rows] == ["1.1.1", "1.1.2", "2.1.1", "2.1.2", "3.1"]
    assert all(row["result"] == "" and row["revision"] == 0 for row in rows)
    row_id = {row["criterion"]: row["id"] for row in rows}

    def patch(code, **answer):
        response = client.patch(
            f"{URL}{assessment.pk}/rows/{row_id[code]}/", {"revision": 0, **answer}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    patch("1.1.1", result="compliant")
    saved = patch("1.1.2", result="partial", deduction="4.5", notes="目标未分解到班组")
    assert saved["row"]["revision"] == 1
    assert saved["row"]["deduction"] == "4.5"
    assert saved["score"]["answered"] == 2
    patch("3.1", result="partial", deduction=7)
    bulk = client.post(
        f"{URL}{assessment.pk}/answers/",
        [
            {"criterion": "2.1.1", "result": "compliant", "revision": 0},
            {"criterion": "2.1.2", "result": "na", "na_reason": "本企业无特种设备", "revision": 0},
        ],
        format="json",
    )
    assert bulk.status_code == 200, bulk.content

    # By hand: earned 10 + (20 − 4.5) + 30 + (25 − 7) = 73.5 of 100 − 15 (not
    # applicable) = 85 → 73.5 / 85 × 100 = 86.47… → 86.5, level 2 (≥ 75).
    # Level 1 needs a rounded 90.0, i.e. 89.95 % of 85 = 76.4575 → 76.5
    # points: 3.0 more.
    score = bulk.json()["score"]
    assert (score["score"], score["grade"]) == ("86.5", "2")
    assert (score["earned"], score["due"], score["not_applicable_points"]) == (
        "73.5",
        "85.0",
        "15.0",
    )
    assert (score["next_grade"], score["points_to_next"]) == ("1", "3.0")
    assert score["complete"] is True
    assert [(e["code"], e["earned"], e["due"], e["percent"]) for e in score["elements"]] == [
        ("1", "25.5", "30.0", "85.0"),
        ("2", "30.0", "30.0", "100.0"),
        ("3", "18.0", "25.0", "72.0"),
    ]
    assert {row["criterion"]: (row["result"], row["na_reason"]) for row in bulk.json()["rows"]} == {
        "2.1.1": ("compliant", ""),
        "2.1.2": ("na", "本企业无特种设备"),
    }

    detail = client.get(f"{URL}{assessment.pk}/").json()
    assert detail["score"] == score
    # Fixing 3.1 gains 7 points (7 / 85 = 8.24 on the 100 scale), 1.1.2 4.5.
    assert [(i["code"], i["points_gained"], i["score_gain"]) for i in detail["improvements"]] == [
        ("3.1", "7.0", "8.24"),
        ("1.1.2", "4.5", "5.29"),
    ]

    submitted = client.post(f"{URL}{assessment.pk}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert (submitted.json()["submitted_score"], submitted.json()["submitted_grade"]) == (
        "86.5",
        "2",
    )
    assert submitted.json()["can_edit"] is False

    before = state(assessment)
    refused = [
        client.patch(
            f"{URL}{assessment.pk}/rows/{row_id['3.1']}/",
            {"result": "compliant", "revision": 1},
            format="json",
        ),
        client.post(
            f"{URL}{assessment.pk}/answers/",
            [{"criterion": "3.1", "result": "compliant", "revision": 1}],
            format="json",
        ),
        client.patch(f"{URL}{assessment.pk}/", {"team_leader": "李娜"}, format="json"),
        client.post(f"{URL}{assessment.pk}/submit/"),
        client.post(f"{URL}{assessment.pk}/rows/{row_id['3.1']}/evidence/", {"file": pdf()}),
    ]
    assert [response.status_code for response in refused] == [400] * 5
    assert "submitted" in str(refused[0].json())
    assert "can no longer change" in str(refused[1].json())
    assert state(assessment) == before


def test_copying_last_years_assessment_keeps_its_answers(api_for, cast, version):
    last_year = make_assessment(cast, version, submit=True)
    row = rows_of(last_year)["3.1"]
    AssessmentRow.objects.filter(pk=row.pk).update(result="partial", deduction=3, notes="旧备注")

    response = api_for(cast.enterprise_staff).post(
        URL, {"version": version.pk, "copy_from": last_year.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    copy = Assessment.objects.get(pk=response.json()["id"])
    assert copy.copied_from == last_year and copy.status == "draft"
    copied = rows_of(copy)["3.1"]
    assert (copied.result, copied.deduction, copied.notes) == ("partial", 3, "旧备注")
    assert response.json()["score"]["answered"] == 5


# --------------------------------------------------------------------------
# Bad input: a clear message, nothing written


@pytest.fixture
def fresh(cast, version):
    """A new, unanswered assessment of cast.ent."""
    return services.assessment_create(actor=cast.enterprise, enterprise=cast.ent, version=version)


def row_url(assessment, code):
    return f"{URL}{assessment.pk}/rows/{rows_of(assessment)[code].pk}/"


@pytest.mark.parametrize(
    ("code", "answer", "field", "message"),
    [
        (
            "1.1.1",
            {"result": "partial", "deduction": "10.5"},
            "deduction",
            "at most the criterion's 10.0 points",
        ),
        ("1.1.1", {"result": "partial", "deduction": "-1"}, "deduction", "more than 0"),
        ("1.1.1", {"result": "partial"}, "deduction", "more than 0"),
        ("1.1.1", {"result": "partial", "deduction": "1.25"}, "deduction", "1 decimal place"),
        ("1.1.1", {"result": "partial", "deduction": "a lot"}, "deduction", "valid number"),
        ("1.1.1", {"result": "na"}, "na_reason", "Say why this criterion does not apply"),
        ("1.1.1", {"result": "na", "na_reason": "   "}, "na_reason", "Say why"),
        ("2.1.1", {"result": "partial", "deduction": "5"}, "result", "veto criterion"),
        ("1.1.1", {"result": "maybe"}, "result", "not a valid choice"),
    ],
)
def test_a_wrong_answer_is_refused_with_the_field_and_why(
    api_for, cast, fresh, code, answer, field, message
):
    before = state(fresh)

    response = api_for(cast.enterprise).patch(
        row_url(fresh, code), {**answer, "revision": 0}, format="json"
    )

    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert state(fresh) == before


def test_a_save_without_the_revision_it_started_from_is_refused(api_for, cast, fresh):
    response = api_for(cast.enterprise).patch(
        row_url(fresh, "1.1.1"), {"result": "compliant"}, format="json"
    )

    assert response.status_code == 400
    assert "required" in response.json()["revision"][0]
    assert rows_of(fresh)["1.1.1"].result == ""


def test_the_later_of_two_saves_of_one_row_is_told_and_shown_the_other(api_for, cast, fresh):
    url = row_url(fresh, "3.1")
    first = api_for(cast.enterprise).patch(
        url,
        {"result": "partial", "deduction": "6", "notes": "地面有油污", "revision": 0},
        format="json",
    )
    assert first.status_code == 200

    # The colleague loaded the row at revision 0 too.
    later = api_for(cast.enterprise_staff).patch(
        url, {"result": "compliant", "notes": "", "revision": 0}, format="json"
    )

    assert later.status_code == 409
    body = later.json()
    assert "Someone else changed this answer" in body["detail"]
    assert (body["row"]["result"], body["row"]["deduction"], body["row"]["notes"]) == (
        "partial",
        "6.0",
        "地面有油污",
    )
    assert (body["row"]["revision"], body["row"]["updated_by"]) == (1, "t-enterprise")
    row = rows_of(fresh)["3.1"]
    assert (row.result, row.notes, row.revision) == ("partial", "地面有油污", 1)

    # Saving again from the revision shown goes through.
    retry = api_for(cast.enterprise_staff).patch(
        url, {"result": "compliant", "revision": body["row"]["revision"]}, format="json"
    )
    assert retry.status_code == 200
    assert retry.json()["row"]["revision"] == 2


def test_a_patch_keeps_what_it_does_not_name(api_for, cast, fresh):
    client = api_for(cast.enterprise)
    url = row_url(fresh, "3.1")
    client.patch(url, {"result": "partial", "deduction": "6", "revision": 0}, format="json")

    response = client.patch(url, {"notes": "已整改一半", "revision": 1}, format="json")

    assert response.status_code == 200
    assert (
        response.json()["row"]["result"],
        response.json()["row"]["deduction"],
        response.json()["row"]["notes"],
    ) == ("partial", "6.0", "已整改一半")


def test_a_row_of_another_assessment_or_version_is_not_found(api_for, cast, version, fresh):
    newer = build_standard(version="2027", standard=version.standard)
    other_version = services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=newer
    )
    same_version = services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=version
    )
    client = api_for(cast.enterprise)
    before = (state(fresh), state(other_version), state(same_version))

    for foreign in (rows_of(other_version)["1.1.1"], rows_of(same_version)["1.1.1"]):
        url = f"{URL}{fresh.pk}/rows/{foreign.pk}/"
        assert client.get(url).status_code == 404
        response = client.patch(url, {"result": "compliant", "revision": 0}, format="json")
        assert response.status_code == 404
        assert client.post(f"{url}evidence/", {"file": pdf()}).status_code == 404

    assert (state(fresh), state(other_version), state(same_version)) == before


def test_bulk_answers_with_a_criterion_of_another_version_write_nothing(
    api_for, cast, version, fresh
):
    build_standard("t-other", tree=wide_tree(1, 1, 2))  # has criterion "1.1.2" … and "1.1.1"
    newer = build_standard(
        version="2027", standard=version.standard, tree={("9", "新增类目"): {None: [("9.1", 100)]}}
    )
    assert newer.criteria.filter(code="9.1").exists()
    before = state(fresh)

    response = api_for(cast.enterprise).post(
        f"{URL}{fresh.pk}/answers/",
        [
            {"criterion": "1.1.1", "result": "compliant", "revision": 0},
            {"criterion": "9.1", "result": "compliant", "revision": 0},
        ],
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"1"}  # errors by the item's index
    assert (
        "“9.1” is not a criterion of this assessment's standard"
        in (response.json()["1"]["criterion"][0])
    )
    assert state(fresh) == before


@pytest.mark.parametrize(
    ("items", "where", "field", "message"),
    [
        (
            [
                {"criterion": "1.1.1", "result": "compliant", "revision": 0},
                {"criterion": "1.1.2", "result": "partial", "deduction": "21", "revision": 0},
            ],
            1,
            "deduction",
            "at most the criterion's 20.0 points",
        ),
        (
            [
                {"criterion": "1.1.1", "result": "compliant", "revision": 0},
                {"criterion": "1.1.1", "result": "non_compliant", "revision": 0},
            ],
            1,
            "criterion",
            "answered twice",
        ),
        ([{"criterion": "1.1.1", "result": "na", "revision": 0}], 0, "na_reason", "Say why"),
        ([{"criterion": "1.1.1", "revision": 0}], 0, "result", "required"),
        (
            [{"criterion": "1.1.1", "result": "compliant", "revision": 0, "score": 10}],
            0,
            "non_field_errors",
            "Unknown field: score",
        ),
    ],
)
def test_one_bad_answer_in_a_batch_writes_none_of_it(
    api_for, cast, fresh, items, where, field, message
):
    before = state(fresh)

    response = api_for(cast.enterprise).post(f"{URL}{fresh.pk}/answers/", items, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {str(where)}
    assert message in response.json()[str(where)][field][0]
    assert state(fresh) == before


@pytest.mark.parametrize("body", [{"criterion": "1.1.1", "result": "compliant"}, []])
def test_a_batch_must_be_a_non_empty_list(api_for, cast, fresh, body):
    response = api_for(cast.enterprise).post(f"{URL}{fresh.pk}/answers/", body, format="json")

    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_a_batch_touching_a_row_someone_else_saved_writes_nothing(api_for, cast, fresh):
    api_for(cast.enterprise_staff).patch(
        row_url(fresh, "3.1"), {"result": "non_compliant", "revision": 0}, format="json"
    )
    before = state(fresh)

    response = api_for(cast.enterprise).post(
        f"{URL}{fresh.pk}/answers/",
        [
            {"criterion": "1.1.1", "result": "compliant", "revision": 0},
            {"criterion": "3.1", "result": "compliant", "revision": 0},
        ],
        format="json",
    )

    assert response.status_code == 409
    assert "Someone else changed this answer" in response.json()["detail"]
    assert (response.json()["row"]["criterion"], response.json()["row"]["result"]) == (
        "3.1",
        "non_compliant",
    )
    assert state(fresh) == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("row", {"result": "compliant", "revision": 0, "score": 100}, "non_field_errors"),
        ("header", {"status": "submitted"}, "non_field_errors"),
        ("header", {"team_leader": "李娜", "submitted_score": "99.0"}, "non_field_errors"),
    ],
)
def test_unknown_fields_are_refused_by_name(api_for, cast, fresh, url, body, field):
    before = state(fresh)
    target = row_url(fresh, "1.1.1") if url == "row" else f"{URL}{fresh.pk}/"

    response = api_for(cast.enterprise).patch(target, body, format="json")

    assert response.status_code == 400
    unknown = sorted(set(body) - {"result", "revision", "team_leader"})
    assert ", ".join(unknown) in response.json()[field][0]
    assert state(fresh) == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"period_start": "2026-06-01", "period_end": "2026-01-01"},
            "period_end",
            "ends before it starts",
        ),
        ({"enterprise": "OTHER"}, "non_field_errors", "Unknown field: enterprise"),
        ({"version": "DRAFT"}, "version", "does not exist"),
        ({"copy_from": "OTHERS"}, "copy_from", "does not exist"),
        ({"deaths_last_year": -1}, "deaths_last_year", "greater than or equal to 0"),
    ],
)
def test_a_wrong_new_assessment_is_refused(api_for, cast, version, body, field, message):
    draft = build_standard(
        status=StandardVersion.Status.DRAFT, version="draft", standard=version.standard
    )
    theirs = (
        services.assessment_create(
            actor=cast.other_enterprise,
            enterprise=cast.other_ent,
            version=build_standard("t-commerce", tree=wide_tree(1, 1, 1), industry="commerce"),
            team_leader="x",
        )
        if body.get("copy_from")
        else None
    )
    substitutes = {
        "OTHER": cast.other_ent.pk,
        "DRAFT": draft.pk,
        "OTHERS": theirs.pk if theirs else None,
    }
    body = {
        key: substitutes.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()
    }
    count = Assessment.objects.count()

    response = api_for(cast.enterprise).post(URL, {"version": version.pk, **body}, format="json")

    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert Assessment.objects.count() == count


def test_a_standard_that_does_not_fit_the_enterprise_is_refused(api_for, cast, version):
    # cast.other_ent is a commerce enterprise; the standard is for machinery.
    response = api_for(cast.other_enterprise).post(URL, {"version": version.pk}, format="json")

    assert response.status_code == 400
    assert "does not apply to your enterprise" in response.json()["version"][0]
    assert not Assessment.objects.exists()


def test_submitting_needs_every_answer_and_a_team_leader(api_for, cast, fresh):
    client = api_for(cast.enterprise)

    unanswered = client.post(f"{URL}{fresh.pk}/submit/")
    assert unanswered.status_code == 400
    assert "5 criteria are still unanswered" in unanswered.json()["non_field_errors"][0]

    client.post(
        f"{URL}{fresh.pk}/answers/",
        [{"criterion": code, "result": "compliant", "revision": 0} for code in rows_of(fresh)],
        format="json",
    )
    no_leader = client.post(f"{URL}{fresh.pk}/submit/")
    assert no_leader.status_code == 400
    assert "leader" in no_leader.json()["team_leader"][0]

    body = client.post(f"{URL}{fresh.pk}/submit/", {"confirm": True}, format="json")
    assert body.status_code == 400
    assert "Unknown field: confirm" in body.json()["non_field_errors"][0]

    fresh.refresh_from_db()
    assert fresh.status == "draft"
    assert not AuditEvent.objects.filter(action="assessment.submit").exists()


def test_the_header_changes_and_is_audited(api_for, cast, fresh):
    response = api_for(cast.enterprise).patch(
        f"{URL}{fresh.pk}/", {"team_leader": "李娜", "deaths_last_year": 1}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["team_leader"] == "李娜"
    event = AuditEvent.objects.get(action="assessment.update")
    assert event.after == {"team_leader": "李娜", "deaths_last_year": 1}


# --------------------------------------------------------------------------
# Evidence


def test_evidence_is_uploaded_versioned_and_downloaded_as_an_attachment(api_for, cast, fresh):
    client = api_for(cast.enterprise)
    url = f"{row_url(fresh, '1.1.1')}evidence/"

    first = client.post(url, {"file": pdf("制度.pdf")})
    second = client.post(url, {"file": pdf("制度.pdf", PDF + b"% revised\n")})

    assert (first.status_code, second.status_code) == (201, 201), first.content
    assert (first.json()["file_version"], second.json()["file_version"]) == (1, 2)
    row = next(r for r in client.get(f"{URL}{fresh.pk}/rows/").json() if r["criterion"] == "1.1.1")
    assert [(e["name"], e["file_version"]) for e in row["evidence"]] == [
        ("制度.pdf", 2),
        ("制度.pdf", 1),
    ]
    download = client.get(first.json()["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "%E5%88%B6%E5%BA%A6.pdf" in download["Content-Disposition"]  # 制度.pdf


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("报告.pdf", b"just text, not a PDF"), "is not a PDF, JPG, PNG"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * 2048), "the limit is"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
    ],
)
def test_a_forbidden_or_oversized_file_is_refused(api_for, cast, fresh, settings, upload, message):
    settings.EVIDENCE_MAX_BYTES = 2048
    before = state(fresh)

    response = api_for(cast.enterprise).post(
        f"{row_url(fresh, '1.1.1')}evidence/", {"file": upload}
    )

    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert state(fresh) == before


def test_an_evidence_file_of_another_assessment_is_not_found_through_this_one(
    api_for, cast, version, fresh
):
    other = make_assessment(cast, version)
    evidence = Evidence.objects.get(row__assessment=other)
    client = api_for(cast.enterprise)

    assert client.get(f"{URL}{fresh.pk}/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"{URL}{other.pk}/evidence/{evidence.pk}/").status_code == 200


# --------------------------------------------------------------------------
# Scope matrix: cast.ent's draft and submitted assessments, every role


@pytest.fixture
def world(cast, version):
    """cast.ent's draft (complete but not submitted) and submitted assessments."""
    return {
        "draft": make_assessment(cast, version),
        "submitted": make_assessment(cast, version, submit=True),
    }


def read_code(role: str, which: str) -> int:
    if role in OWN or (which == "submitted" and role in OVERSEE):
        return 200
    return 404


def write_code(role: str, which: str, ok: int) -> int:
    """Only the own users write, and only a draft; others in scope 403."""
    if which == "draft":
        return ok if role in OWN else 404
    return 400 if role in OWN else 403 if role in OVERSEE else 404


WHICH = ["draft", "submitted"]


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_exactly_the_roles_scope(api_for, cast, world, role):
    response = api_for(getattr(cast, role)).get(URL)

    assert response.status_code == 200
    expected = {world[which].pk for which in WHICH if read_code(role, which) == 200}
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("which", WHICH)
@pytest.mark.parametrize("role", ROLES)
def test_reading_follows_the_scope(api_for, cast, world, role, which):
    assessment = world[which]
    row = assessment.rows.first()
    evidence = Evidence.objects.get(row__assessment=assessment)
    client = api_for(getattr(cast, role))
    expected = read_code(role, which)

    assert client.get(f"{URL}{assessment.pk}/").status_code == expected
    assert client.get(f"{URL}{assessment.pk}/rows/").status_code == expected
    assert client.get(f"{URL}{assessment.pk}/rows/{row.pk}/").status_code == expected
    download = client.get(f"{URL}{assessment.pk}/evidence/{evidence.pk}/")
    assert download.status_code == expected
    if expected == 200:
        assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize("which", WHICH)
@pytest.mark.parametrize("role", ROLES)
def test_a_header_patch_follows_scope_then_role(api_for, cast, world, role, which):
    assessment = world[which]
    before = state(assessment)

    response = api_for(getattr(cast, role)).patch(
        f"{URL}{assessment.pk}/", {"team_leader": "李娜"}, format="json"
    )

    assert response.status_code == write_code(role, which, 200), response.content
    if response.status_code == 200:
        assert state(assessment)[1] == "李娜"
    else:
        assert state(assessment) == before


@pytest.mark.parametrize("which", WHICH)
@pytest.mark.parametrize("role", ROLES)
def test_submitting_follows_scope_then_role(api_for, cast, world, role, which):
    assessment = world[which]
    before = state(assessment)

    response = api_for(getattr(cast, role)).post(f"{URL}{assessment.pk}/submit/")

    assert response.status_code == write_code(role, which, 200), response.content
    if response.status_code == 200:
        assert state(assessment)[0] == "submitted"
        assert AuditEvent.objects.filter(
            action="assessment.submit", object_id=str(assessment.pk), actor=getattr(cast, role)
        ).exists()
    else:
        assert state(assessment) == before


@pytest.mark.parametrize("which", WHICH)
@pytest.mark.parametrize("role", ROLES)
def test_answering_a_row_follows_scope_then_role(api_for, cast, world, role, which):
    assessment = world[which]
    row = rows_of(assessment)["1.1.1"]
    before = state(assessment)

    response = api_for(getattr(cast, role)).patch(
        f"{URL}{assessment.pk}/rows/{row.pk}/",
        {"result": "non_compliant", "revision": 1},
        format="json",
    )

    assert response.status_code == write_code(role, which, 200), response.content
    row.refresh_from_db()
    if response.status_code == 200:
        assert (row.result, row.revision, row.updated_by) == (
            "non_compliant",
            2,
            getattr(cast, role),
        )
    else:
        assert state(assessment) == before


@pytest.mark.parametrize("which", WHICH)
@pytest.mark.parametrize("role", ROLES)
def test_bulk_answers_follow_scope_then_role(api_for, cast, world, role, which):
    assessment = world[which]
    before = state(assessment)

    response = api_for(getattr(cast, role)).post(
        f"{URL}{assessment.pk}/answers/",
        [{"criterion": "3.1", "result": "na", "na_reason": "无现场作业", "revision": 1}],
        format="json",
    )

    assert response.status_code == write_code(role, which, 200), response.content
    if response.status_code == 200:
        assert rows_of(assessment)["3.1"].result == "na"
    else:
        assert state(assessment) == before


@pytest.mark.parametrize("which", WHICH)
@pytest.mark.parametrize("role", ROLES)
def test_uploading_evidence_follows_scope_then_role(api_for, cast, world, role, which):
    assessment = world[which]
    row = rows_of(assessment)["3.1"]
    before = state(assessment)

    response = api_for(getattr(cast, role)).post(
        f"{URL}{assessment.pk}/rows/{row.pk}/evidence/", {"file": pdf("现场照片.pdf")}
    )

    assert response.status_code == write_code(role, which, 201), response.content
    if response.status_code == 201:
        assert row.evidence.get().original_name == "现场照片.pdf"
    else:
        assert state(assessment) == before


@pytest.mark.parametrize("role", ROLES)
def test_only_the_enterprises_own_users_start_an_assessment(api_for, cast, version, role):
    response = api_for(getattr(cast, role)).post(URL, {"version": version.pk}, format="json")

    # The other enterprise may start one, but not against a machinery standard.
    expected = 201 if role in OWN else 400 if role == "other_enterprise" else 403
    assert response.status_code == expected, response.content
    if expected == 201:
        assert Assessment.objects.get().enterprise == cast.ent
    else:
        assert not Assessment.objects.exists()
        assert not AuditEvent.objects.filter(action="assessment.create").exists()


def test_a_district_is_told_why_it_cannot_change_a_submitted_assessment(api_for, cast, world):
    response = api_for(cast.district).patch(
        f"{URL}{world['submitted'].pk}/", {"team_leader": "x"}, format="json"
    )

    assert response.status_code == 403
    assert "only the enterprise's own users" in response.json()["detail"]


def test_anonymous_and_pending_users_are_refused(api, api_for, pending_user, world):
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}{world['submitted'].pk}/").status_code == 401
    assert api_for(pending_user).get(URL).status_code == 403


# --------------------------------------------------------------------------
# Filters


def test_the_list_filters_by_status_enterprise_and_version(api_for, cast, version, world):
    newer = build_standard(version="2027", standard=version.standard)
    on_newer = make_assessment(cast, newer)
    client = api_for(cast.enterprise)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="submitted") == {world["submitted"].pk}
    assert ids(status="draft") == {world["draft"].pk, on_newer.pk}
    assert ids(version=newer.pk) == {on_newer.pk}
    assert ids(enterprise=cast.ent.pk, version=version.pk) == {
        world["draft"].pk,
        world["submitted"].pk,
    }
    assert ids(enterprise=cast.other_ent.pk) == set()
    listed = client.get(URL, {"version": newer.pk}).json()["results"][0]
    assert (listed["answered"], listed["total"], listed["standard"]) == (5, 5, "t-machinery")


def test_a_wrong_filter_is_refused_by_name(api_for, cast, world):
    response = api_for(cast.enterprise).get(URL, {"status": "approved", "enterprise": "x"})

    assert response.status_code == 400
    assert set(response.json()) == {"status", "enterprise"}


# --------------------------------------------------------------------------
# Query counts do not grow with the number of assessments, rows or files


def count_queries(client, method, url, **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    return len(queries), response


def test_the_assessment_list_takes_a_fixed_number_of_queries(
    api_for, cast, version, django_assert_max_num_queries
):
    client = api_for(cast.city)
    make_assessment(cast, version, submit=True)
    client.get(URL)
    few, _response = count_queries(client, "get", URL)
    for _index in range(5):
        make_assessment(cast, version, submit=True)

    # token + user, organisation, count (capped), page (with enterprise and version),
    # the page's rows' answered counts (read for its rows only, not the whole scope).
    with django_assert_max_num_queries(few):
        response = client.get(URL)
    assert few <= 5
    assert response.json()["count"] == 6


def test_rows_and_their_files_take_a_fixed_number_of_queries(
    api_for, cast, django_assert_max_num_queries
):
    small = build_standard("t-small")
    large = build_standard("t-large", tree=wide_tree(13, 4, 4))  # 208 criteria
    client = api_for(cast.enterprise)
    counts = {}
    for sv in (small, large):
        assessment = make_assessment(cast, sv, answer=False)
        for row in assessment.rows.select_related("criterion", "assessment")[:3]:
            services.evidence_add(actor=cast.enterprise, row=row, upload=pdf("a.pdf"))
        client.get(f"{URL}{assessment.pk}/rows/")
        counts[sv.pk], response = count_queries(client, "get", f"{URL}{assessment.pk}/rows/")
        assert response.status_code == 200

    assert len(response.json()) == 208
    # token + user, organisation, assessment, rows, evidence.
    assert counts[small.pk] == counts[large.pk] <= 5


def test_saving_an_answer_takes_a_fixed_number_of_queries(
    api_for, cast, django_assert_max_num_queries
):
    large = build_standard("t-large", tree=wide_tree(13, 4, 4))
    assessment = make_assessment(cast, large, answer=False)
    rows = list(assessment.rows.order_by("pk")[:2])
    client = api_for(cast.enterprise)
    client.patch(
        f"{URL}{assessment.pk}/rows/{rows[0].pk}/",
        {"result": "compliant", "revision": 0},
        format="json",
    )

    # token + user, organisation, assessment, row, update, re-read, row to
    # show with its files, answers to score.
    with django_assert_max_num_queries(9):
        response = client.patch(
            f"{URL}{assessment.pk}/rows/{rows[1].pk}/",
            {"result": "partial", "deduction": "1", "revision": 0},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["score"]["answered"] == 2
    assert response.json()["score"]["earned"] == str(Decimal("3.0"))


def test_the_schema_documents_the_endpoints(api, db):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {
        "/api/v1/standards/",
        "/api/v1/standards/{code}/",
        "/api/v1/standard-versions/",
        "/api/v1/standard-versions/{id}/",
        "/api/v1/assessments/",
        "/api/v1/assessments/{id}/",
        "/api/v1/assessments/{id}/submit/",
        "/api/v1/assessments/{id}/rows/",
        "/api/v1/assessments/{id}/rows/{row_id}/",
        "/api/v1/assessments/{id}/rows/{row_id}/evidence/",
        "/api/v1/assessments/{id}/answers/",
        "/api/v1/assessments/{id}/evidence/{evidence_id}/",
    } <= set(paths)
    assert set(paths["/api/v1/assessments/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/assessments/{id}/rows/{row_id}/"]) == {"get", "patch"}
    assert "409" in paths["/api/v1/assessments/{id}/rows/{row_id}/"]["patch"]["responses"]
