"""/api/v1/standards/ and /api/v1/standard-versions/: the catalogue, read only.

Every user who can act reads published and retired versions; draft versions
(and a standard with nothing but drafts) exist only for the city office.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Industry
from reviews import scoring_data
from reviews.models import Criterion, Element, GradeThreshold, Standard, StandardVersion

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

# The small standard: 3 A elements, 5 criteria, 100 points (code, points).
# A "1" and "2" have one B element each; A "3" holds its criterion directly.
SMALL = {
    ("1", "目标职责"): {("1.1", "目标"): [("1.1.1", 10), ("1.1.2", 20)]},
    ("2", "制度化管理"): {("2.1", "法规标准识别"): [("2.1.1", 30), ("2.1.2", 15)]},
    ("3", "现场管理"): {None: [("3.1", 25)]},
}
VETO = {"2.1.1"}
EXTRA = {"1.1.2": Decimal("5")}


def build_standard(
    code: str = "t-machinery",
    *,
    status: str = StandardVersion.Status.PUBLISHED,
    version: str = "2026",
    tree: dict = SMALL,
    standard: Standard | None = None,
    industry: str = "machinery",
) -> StandardVersion:
    """A machinery standard for enterprises below designated size (cast.ent),
    thresholds 90 / 75 / 60, built with the models."""
    if standard is None:
        standard = Standard.objects.create(
            code=code,
            name="机械制造企业安全生产标准化评分细则（测试）",
            name_en="Machinery (test)",
            grading="tiered",
            regime=Standard.Regime.GONGMAO_2011,
            scales=["below"],
        )
        standard.industries.set([Industry.objects.get(code=industry)])
    full_marks = sum(
        points
        for b_elements in tree.values()
        for rows in b_elements.values()
        for _code, points in rows
    )
    sv = StandardVersion.objects.create(
        standard=standard,
        version=version,
        effective_date=datetime.date(2026, 1, 1),
        status=status,
        full_marks=full_marks,
    )
    for grade, minimum in (("1", 90), ("2", 75), ("3", 60)):
        GradeThreshold.objects.create(version=sv, grade=grade, min_score=minimum)
    position = 0
    for a_position, ((a_code, a_name), b_elements) in enumerate(tree.items()):
        a = Element.objects.create(version=sv, code=a_code, name=a_name, position=a_position)
        for b_position, (b_key, rows) in enumerate(b_elements.items()):
            holder = a
            if b_key is not None:
                holder = Element.objects.create(
                    version=sv, parent=a, code=b_key[0], name=b_key[1], position=b_position
                )
            for criterion_code, points in rows:
                position += 1
                Criterion.objects.create(
                    version=sv,
                    element=holder,
                    a_element=a,
                    code=criterion_code,
                    position=position,
                    requirement=f"要求 {criterion_code}：建立并落实相应的安全管理制度。",
                    method=f"查文件 {criterion_code}",
                    points=points,
                    is_veto=criterion_code in VETO,
                    guidance=f"指引 {criterion_code}",
                    evidence=f"证据 {criterion_code}",
                    extra_deduction=EXTRA.get(criterion_code, 0),
                    extra_deduction_note="不得分的，追加扣除5分" if criterion_code in EXTRA else "",
                )
    return sv


def wide_tree(a_count: int, b_per_a: int, criteria_per_b: int) -> dict:
    return {
        (str(a), f"类目{a}"): {
            (f"{a}.{b}", f"项目{a}.{b}"): [
                (f"{a}.{b}.{c}", 2) for c in range(1, criteria_per_b + 1)
            ]
            for b in range(1, b_per_a + 1)
        }
        for a in range(1, a_count + 1)
    }


@pytest.fixture(autouse=True)
def _fresh_spec_cache():
    """Published specs are cached per process by version id, and ids come
    back after a test's rollback: start every test with an empty cache."""
    scoring_data._published_specs.clear()
    yield
    scoring_data._published_specs.clear()


@pytest.fixture
def published(cast):
    return build_standard()


@pytest.fixture
def draft(published):
    """A new version of the same standard, still being written."""
    return build_standard(
        status=StandardVersion.Status.DRAFT, version="2027-draft", standard=published.standard
    )


@pytest.fixture
def draft_only(cast):
    """A standard with nothing published yet."""
    return build_standard("t-unpublished", status=StandardVersion.Status.DRAFT)


# --------------------------------------------------------------------------
# Standards


def test_a_standard_lists_its_grading_scope_and_versions(api_for, cast, published):
    response = api_for(cast.enterprise).get("/api/v1/standards/t-machinery/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "t-machinery",
        "name": "机械制造企业安全生产标准化评分细则（测试）",
        "name_en": "Machinery (test)",
        "grading": "tiered",
        "regime": "gongmao_2011",
        "industries": ["machinery"],
        "scales": ["below"],
        "description": "",
        "versions": [
            {
                "id": published.pk,
                "version": "2026",
                "effective_date": "2026-01-01",
                "status": "published",
                "full_marks": "100.0",
            }
        ],
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_published_catalogue_but_only_the_city_sees_drafts(
    api_for, cast, draft, draft_only, role
):
    client = api_for(getattr(cast, role))
    is_city = role == "city"

    listed = client.get("/api/v1/standards/")
    assert listed.status_code == 200
    codes = {row["code"] for row in listed.json()["results"]}
    assert codes == ({"t-machinery", "t-unpublished"} if is_city else {"t-machinery"})

    standard = client.get("/api/v1/standards/t-machinery/").json()
    assert {v["version"] for v in standard["versions"]} == (
        {"2026", "2027-draft"} if is_city else {"2026"}
    )
    assert client.get("/api/v1/standards/t-unpublished/").status_code == (200 if is_city else 404)

    versions = client.get("/api/v1/standard-versions/").json()["results"]
    assert sorted((v["standard"], v["version"]) for v in versions) == (
        [("t-machinery", "2026"), ("t-machinery", "2027-draft"), ("t-unpublished", "2026")]
        if is_city
        else [("t-machinery", "2026")]
    )
    assert client.get(f"/api/v1/standard-versions/{draft.pk}/").status_code == (
        200 if is_city else 404
    )
    assert client.get(f"/api/v1/standard-versions/{draft_only.pk}/").status_code == (
        200 if is_city else 404
    )


def test_a_retired_version_stays_readable(api_for, cast, published):
    published.status = StandardVersion.Status.RETIRED
    published.save(update_fields=["status"])

    response = api_for(cast.enterprise).get(f"/api/v1/standard-versions/{published.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == "retired"


def test_anonymous_users_are_asked_to_authenticate(api, published):
    assert api.get("/api/v1/standards/").status_code == 401
    assert api.get(f"/api/v1/standard-versions/{published.pk}/").status_code == 401


def test_a_user_whose_organisation_is_pending_is_refused(api_for, pending_user, published):
    client = api_for(pending_user)

    assert client.get("/api/v1/standards/").status_code == 403
    assert client.get(f"/api/v1/standard-versions/{published.pk}/").status_code == 403


def test_the_catalogue_is_read_only(api_for, cast, published):
    client = api_for(cast.city)

    assert client.post("/api/v1/standards/", {"code": "x"}, format="json").status_code == 405
    assert (
        client.patch(
            f"/api/v1/standard-versions/{published.pk}/", {"status": "retired"}, format="json"
        ).status_code
        == 405
    )
    assert client.delete(f"/api/v1/standard-versions/{published.pk}/").status_code == 405
    published.refresh_from_db()
    assert published.status == StandardVersion.Status.PUBLISHED


# --------------------------------------------------------------------------
# Versions


def test_a_version_in_full_is_its_whole_checklist(api_for, cast, published):
    response = api_for(cast.enterprise).get(f"/api/v1/standard-versions/{published.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["standard"] == "t-machinery"
    assert body["grading"] == "tiered"
    assert body["full_marks"] == "100.0"
    assert body["thresholds"] == [
        {"grade": "1", "min_score": "90.0"},
        {"grade": "2", "min_score": "75.0"},
        {"grade": "3", "min_score": "60.0"},
    ]
    assert [(a["code"], [b["code"] for b in a["elements"]]) for a in body["elements"]] == [
        ("1", ["1.1"]),
        ("2", ["2.1"]),
        ("3", []),
    ]
    b11 = body["elements"][0]["elements"][0]
    assert [c["code"] for c in b11["criteria"]] == ["1.1.1", "1.1.2"]
    assert b11["criteria"][1] == {
        "id": Criterion.objects.get(version=published, code="1.1.2").pk,
        "code": "1.1.2",
        "requirement": "要求 1.1.2：建立并落实相应的安全管理制度。",
        "method": "查文件 1.1.2",
        "points": "20.0",
        "veto": False,
        "guidance": "指引 1.1.2",
        "evidence": "证据 1.1.2",
        "extra_deduction": "5.0",
        "extra_deduction_note": "不得分的，追加扣除5分",
    }
    assert body["elements"][1]["elements"][0]["criteria"][0]["veto"] is True
    # A "3" has no B elements: its criterion hangs directly under it.
    assert [c["code"] for c in body["elements"][2]["criteria"]] == ["3.1"]
    assert body["elements"][0]["criteria"] == []


def test_versions_filter_by_standard_and_status(api_for, cast, draft, draft_only):
    client = api_for(cast.city)

    def versions(**params):
        response = client.get("/api/v1/standard-versions/", params)
        assert response.status_code == 200
        return sorted((v["standard"], v["version"]) for v in response.json()["results"])

    assert versions(standard="t-machinery") == [
        ("t-machinery", "2026"),
        ("t-machinery", "2027-draft"),
    ]
    assert versions(status="draft") == [("t-machinery", "2027-draft"), ("t-unpublished", "2026")]
    assert versions(standard="t-machinery", status="published") == [("t-machinery", "2026")]
    assert versions(standard="no-such-code") == []


def test_an_unknown_status_filter_is_refused_by_name(api_for, cast, published):
    response = api_for(cast.city).get("/api/v1/standard-versions/", {"status": "archived"})

    assert response.status_code == 400
    assert "archived" in response.json()["status"][0]


def test_a_non_city_user_filtering_for_drafts_gets_none(api_for, cast, draft):
    response = api_for(cast.enterprise).get("/api/v1/standard-versions/", {"status": "draft"})

    assert response.status_code == 200
    assert response.json()["results"] == []


# --------------------------------------------------------------------------
# Query counts stay fixed however large the standard is


def test_the_version_tree_takes_the_same_queries_for_a_small_and_a_large_standard(
    api_for, cast, django_assert_max_num_queries, django_assert_num_queries
):
    small = build_standard("t-small")
    large = build_standard("t-large", tree=wide_tree(13, 4, 4))  # 208 criteria
    client = api_for(cast.enterprise)
    client.get(f"/api/v1/standard-versions/{small.pk}/")  # warm up

    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(f"/api/v1/standard-versions/{small.pk}/").status_code == 200
    # token + user, organisation, version + standard, thresholds, A elements,
    # B elements, criteria of B elements, criteria of A elements.
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/standard-versions/{large.pk}/")
    assert response.status_code == 200
    assert (
        sum(len(b["criteria"]) for a in response.json()["elements"] for b in a["elements"]) == 208
    )
    with django_assert_num_queries(len(small_queries)):
        client.get(f"/api/v1/standard-versions/{large.pk}/")


def test_the_lists_take_a_fixed_number_of_queries(api_for, cast, django_assert_max_num_queries):
    for index in range(8):
        sv = build_standard(f"t-many-{index}")
        build_standard(status=StandardVersion.Status.DRAFT, version="next", standard=sv.standard)
    client = api_for(cast.city)

    # token + user, organisation, count, page, then industries and
    # versions (standards) or thresholds (versions).
    with django_assert_max_num_queries(6):
        standards = client.get("/api/v1/standards/")
    with django_assert_max_num_queries(5):
        versions = client.get("/api/v1/standard-versions/")

    assert standards.json()["count"] == 8
    assert all(len(row["versions"]) == 2 for row in standards.json()["results"])
    assert versions.json()["count"] == 16
    assert all(len(row["thresholds"]) == 3 for row in versions.json()["results"])
