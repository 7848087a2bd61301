"""The enterprise's self-assessment in the browser: start, answer as you go,
team, submit, print; every bad input; the scope matrix; the query-count pin.

``make_version`` builds a published standard version directly with the models;
tests/reviews/test_evidence.py, the browser test and bench/assessment_page.py
use it too.
"""

from __future__ import annotations

import datetime
import html as htmllib
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import AuditEvent, Industry
from reviews import scoring_data, services
from reviews.models import (
    Assessment,
    AssessmentRow,
    Criterion,
    Element,
    GradeThreshold,
    Standard,
    StandardVersion,
)

HTMX = {"HX-Request": "true"}


def make_version(
    n_criteria: int = 10,
    *,
    code: str = "test-machinery",
    industries: tuple[str, ...] = ("machinery",),
    scales: tuple[str, ...] = ("below",),
    status: str = StandardVersion.Status.PUBLISHED,
    points: int = 10,
    version: str = "2026",
) -> StandardVersion:
    """A tiered standard (90 / 75 / 60) of ``n_criteria`` criteria of ``points``
    each, under A elements "1", "2", … with two B elements each. The third
    criterion is a veto; the sixth carries an extra deduction of 5.

    With 10 criteria: 1.1.1 1.1.2 1.1.3(veto) 1.2.1 1.2.2 | 2.1.1(extra 5)
    2.1.2 2.1.3 2.2.1 2.2.2; full marks 100.
    """
    standard = Standard.objects.create(
        code=code,
        name=f"机械企业安全生产标准化评定标准（{code}）",
        name_en=f"Machinery ({code})",
        grading="tiered",
        regime=Standard.Regime.GONGMAO_2011,
        scales=list(scales),
    )
    if industries:
        standard.industries.set(Industry.objects.filter(code__in=industries))
    sv = StandardVersion.objects.create(
        standard=standard,
        version=version,
        effective_date=datetime.date(2026, 1, 1),
        status=status,
        full_marks=Decimal(n_criteria * points),
    )
    GradeThreshold.objects.bulk_create(
        [
            GradeThreshold(version=sv, grade=grade, min_score=Decimal(score))
            for grade, score in (("1", 90), ("2", 75), ("3", 60))
        ]
    )
    n_a = 2 if n_criteria <= 20 else max(2, min(13, n_criteria // 15))
    groups: list[list[int]] = [[] for _ in range(n_a)]
    for index in range(n_criteria):
        groups[index * n_a // n_criteria].append(index)
    a_elements = Element.objects.bulk_create(
        [
            Element(version=sv, code=str(a + 1), name=f"一级要素{a + 1}", position=a * 3)
            for a in range(n_a)
        ]
    )
    b_elements = Element.objects.bulk_create(
        [
            Element(
                version=sv,
                parent=a_elements[a],
                code=f"{a + 1}.{b + 1}",
                name=f"二级要素{a + 1}.{b + 1}",
                position=a * 3 + b + 1,
            )
            for a in range(n_a)
            for b in range(2)
        ]
    )
    criteria = []
    for a, indexes in enumerate(groups):
        half = (len(indexes) + 1) // 2
        for j, index in enumerate(indexes):
            b = 0 if j < half else 1
            k = j + 1 if b == 0 else j - half + 1
            criteria.append(
                Criterion(
                    version=sv,
                    element=b_elements[a * 2 + b],
                    a_element=a_elements[a],
                    code=f"{a + 1}.{b + 1}.{k}",
                    position=index,
                    requirement=f"第{index + 1}条：建立并落实相应的安全生产管理制度，记录齐全。",
                    method="查文件和记录；现场抽查。",
                    points=Decimal(points),
                    is_veto=index == 2,
                    guidance="写清楚谁负责、多久检查一次。",
                    evidence="制度文件；检查记录。",
                    extra_deduction=Decimal(5) if index == 5 else Decimal(0),
                    extra_deduction_note="扣满后追加扣除5分" if index == 5 else "",
                )
            )
    Criterion.objects.bulk_create(criteria, batch_size=500)
    return sv


@pytest.fixture(autouse=True)
def fresh_specs():
    """Published specs are cached per process by version id; test databases
    roll back and reuse ids, so every test starts with an empty cache."""
    scoring_data._published_specs.clear()
    yield
    scoring_data._published_specs.clear()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def version(cast):
    return make_version()


def start(cast, version, **fields) -> Assessment:
    fields.setdefault("period_start", datetime.date(2025, 1, 1))
    fields.setdefault("period_end", datetime.date(2025, 12, 31))
    return services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=version, **fields
    )


def row(assessment: Assessment, code: str) -> AssessmentRow:
    return assessment.rows.select_related("criterion").get(criterion__code=code)


def answer(
    client,
    target: AssessmentRow,
    result: str,
    *,
    deduction="",
    na_reason="",
    notes="",
    revision=None,
    htmx=True,
):
    data = {
        "result": result,
        "deduction": deduction,
        "na_reason": na_reason,
        "notes": notes,
        "revision": target.revision if revision is None else revision,
    }
    return client.post(
        f"/assessments/{target.assessment_id}/rows/{target.pk}/", data, headers=HTMX if htmx else {}
    )


def answer_all(assessment: Assessment, result: str = "compliant") -> None:
    assessment.rows.update(result=result)


# --- the list page and starting an assessment ----------------------------------


def test_the_start_form_offers_only_standards_that_fit_the_enterprise(
    cast, version, client_for, english
):
    make_version(code="commerce-only", industries=("commerce",), scales=())
    make_version(code="above-only", industries=(), scales=("above",))
    make_version(code="all-industries", industries=(), scales=())
    make_version(code="draft-one", status=StandardVersion.Status.DRAFT)
    page = client_for(cast.enterprise).get("/assessments/").content.decode()
    assert "test-machinery" in page and "all-industries" in page
    assert "commerce-only" not in page
    assert "above-only" not in page
    assert "draft-one" not in page
    assert 'data-testid="start-assessment"' in page


def test_with_no_applicable_standard_the_page_says_so(cast, client_for, english):
    make_version(code="commerce-only", industries=("commerce",), scales=())
    page = client_for(cast.enterprise).get("/assessments/").content.decode()
    assert 'data-testid="no-applicable-standard"' in page
    assert "No published standard applies to your enterprise" in page
    assert "start-button" not in page


def test_an_enterprise_starts_an_assessment_from_the_page(cast, version, client_for):
    client = client_for(cast.enterprise)
    response = client.post(
        "/assessments/new/",
        {
            "version": version.pk,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "team_leader": "张伟",
            "team_members": "李娜 安全员\n王强 设备主管",
            "deaths_last_year": "0",
        },
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{assessment.pk}/"
    assert assessment.enterprise == cast.ent and assessment.version == version
    assert assessment.team_leader == "张伟"
    assert assessment.rows.count() == 10
    assert AuditEvent.objects.filter(
        action="assessment.create", object_id=str(assessment.pk)
    ).exists()
    listing = client.get("/assessments/").content.decode()
    assert f'data-id="{assessment.pk}"' in listing
    assert "0 / 10" in listing


@pytest.mark.parametrize(
    "change, field_message",
    [
        ({"version": "commerce"}, "This standard does not apply to your enterprise"),
        ({"period_end": "2024-12-31"}, "The period ends before it starts."),
        ({"deaths_last_year": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"deaths_last_year": "two"}, "Enter a whole number of people"),
        ({"period_start": "2025-13-01"}, "Enter a valid date."),
    ],
)
def test_a_bad_start_form_says_what_is_wrong_and_creates_nothing(
    cast, version, client_for, english, change, field_message
):
    other = make_version(code="commerce-only", industries=("commerce",), scales=())
    data = {
        "version": version.pk,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "team_leader": "",
        "team_members": "",
        "deaths_last_year": "0",
        **change,
    }
    if data["version"] == "commerce":
        data["version"] = other.pk
    response = client_for(cast.enterprise).post("/assessments/new/", data)
    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert not Assessment.objects.exists()


def test_copy_from_offers_own_assessments_and_copies_their_answers(
    cast, version, client_for, english
):
    last_year = start(cast, version, team_leader="张伟")
    answer_all(last_year, "compliant")
    AssessmentRow.objects.filter(pk=row(last_year, "1.2.1").pk).update(
        result="na", na_reason="本企业无此类设备"
    )
    AssessmentRow.objects.filter(pk=row(last_year, "2.1.2").pk).update(
        result="partial", deduction=Decimal("2.5"), notes="记录不全"
    )
    client = client_for(cast.enterprise)
    assert f'<option value="{last_year.pk}"' in client.get("/assessments/").content.decode()
    response = client.post(
        "/assessments/new/",
        {
            "version": version.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "deaths_last_year": "0",
            "copy_from": last_year.pk,
        },
    )
    assert response.status_code == 302
    new = Assessment.objects.exclude(pk=last_year.pk).get()
    assert new.copied_from == last_year
    assert row(new, "1.2.1").result == "na" and row(new, "1.2.1").na_reason == "本企业无此类设备"
    assert row(new, "2.1.2").deduction == Decimal("2.5") and row(new, "2.1.2").notes == "记录不全"
    assert row(new, "1.1.1").result == "compliant"


def test_copy_from_another_enterprises_assessment_is_refused(cast, version, client_for, english):
    foreign = services.assessment_create(
        actor=cast.other_enterprise,
        enterprise=cast.other_ent,
        version=make_version(code="all", industries=(), scales=()),
    )
    response = client_for(cast.enterprise).post(
        "/assessments/new/",
        {
            "version": version.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "deaths_last_year": "0",
            "copy_from": foreign.pk,
        },
    )
    assert response.status_code == 422
    assert "You can only copy your own assessments." in response.content.decode()
    assert Assessment.objects.count() == 1


def test_only_enterprise_users_can_start(cast, version, client_for):
    response = client_for(cast.district).post("/assessments/new/", {"version": version.pk})
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_the_enterprise_navigation_leads_to_the_self_assessment(cast, client_for, english):
    page = client_for(cast.enterprise).get("/").content.decode()
    assert 'href="/assessments/"' in page
    assert 'href="/assessments/"' not in client_for(cast.reviewer).get("/").content.decode()


# --- the checklist ----------------------------------------------------------------


def test_the_checklist_shows_elements_criteria_and_answer_controls(
    cast, version, client_for, english
):
    assessment = start(cast, version)
    page = client_for(cast.enterprise).get(f"/assessments/{assessment.pk}/").content.decode()
    # The checklist itself, after the bar with its contents.
    checklist = page[page.index('data-testid="element"') :]
    assert (
        checklist.index("一级要素1")
        < checklist.index("二级要素1.1")
        < checklist.index("1.1.1")
        < checklist.index("二级要素1.2")
        < checklist.index("一级要素2")
    )
    assert page.count('data-testid="answer-form"') == 10
    assert page.count('data-testid="row"') == 10
    assert "查文件和记录；现场抽查。" in page and "制度文件；检查记录。" in page
    # The plain-language guidance first; the formal method behind a click.
    guidance = checklist.index("写清楚谁负责、多久检查一次。")
    method = checklist.index("查文件和记录；现场抽查。")
    assert guidance < method
    assert checklist.rindex("<details", 0, method) > checklist.rindex("</details>", 0, method)
    assert "Veto" in page
    first = row(assessment, "1.1.1")
    assert f'hx-post="/assessments/{assessment.pk}/rows/{first.pk}/"' in page
    # The veto criterion offers no "partly compliant".
    veto = row(assessment, "1.1.3")
    assert f'id="r{veto.pk}-partial"' not in page and f'id="r{first.pk}-partial"' in page
    assert 'data-testid="score">0.0<' in page
    assert "0 of 10 criteria answered" in page


def test_an_answer_saves_and_the_totals_follow_without_reload(cast, version, client_for, english):
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    target = row(assessment, "1.1.1")
    response = answer(client, target, "compliant", notes="制度已发布")
    assert response.status_code == 200
    html = response.content.decode()
    # The row's status line says so; the inputs stay as the user has them.
    assert f'id="status-{target.pk}"' in html and 'data-testid="saved"' in html
    assert f'id="answer-{target.pk}"' not in html
    assert 'id="totals"' in html and 'hx-swap-oob="true"' in html
    assert 'data-testid="score">10.0<' in html  # 10 of 100 points
    assert "1 of 10 criteria answered" in html
    target.refresh_from_db()
    assert (target.result, target.notes, target.revision) == ("compliant", "制度已发布", 1)
    # The next save names the new revision.
    assert f'id="rev-{target.pk}" value="1" hx-swap-oob="true"' in html

    partial = row(assessment, "2.1.2")
    html = answer(client, partial, "partial", deduction="2.5").content.decode()
    assert 'data-testid="score">17.5<' in html
    partial.refresh_from_db()
    assert partial.deduction == Decimal("2.5")


def test_the_totals_show_next_tier_and_suggestions(cast, version, client_for, english):
    assessment = start(cast, version)
    answer_all(assessment, "compliant")
    AssessmentRow.objects.filter(pk=row(assessment, "2.2.2").pk).update(result="non_compliant")
    AssessmentRow.objects.filter(pk=row(assessment, "1.2.1").pk).update(
        result="partial", deduction=Decimal("3")
    )
    page = client_for(cast.enterprise).get(f"/assessments/{assessment.pk}/").content.decode()
    # 87 of 100: level 2; level 1 needs 90 → 3 more points (rounded-up rule of scoring).
    assert 'data-testid="score">87.0<' in page
    assert 'data-grade="2"' in page
    assert "Level 1 needs 3.0 more points." in page
    suggestions = page[page.index('data-testid="suggestions"') :]
    assert suggestions.index('data-code="2.2.2"') < suggestions.index('data-code="1.2.1"')
    assert "+10" in suggestions and "+3" in suggestions


def test_a_failed_veto_and_the_accident_record_are_explained(cast, version, client_for, english):
    assessment = start(cast, version, deaths_last_year=2)
    answer_all(assessment, "compliant")
    client = client_for(cast.enterprise)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-grade="3"' in page and 'data-testid="accident-capped"' in page
    veto = row(assessment, "1.1.3")
    html = answer(client, veto, "non_compliant").content.decode()
    assert 'data-testid="veto-blocked"' in html and "1.1.3" in html
    assert 'data-grade=""' in html and "No grade" in html


BAD_ANSWERS = [
    (
        "2.1.2",
        {"result": "partial", "deduction": "11"},
        "deduction",
        "at most the criterion's 10.0 points",
    ),
    ("2.1.2", {"result": "partial", "deduction": "-1"}, "deduction", "must be more than 0"),
    ("2.1.2", {"result": "partial", "deduction": "abc"}, "deduction", "Enter a number."),
    ("2.1.2", {"result": "partial", "deduction": "NaN"}, "deduction", "Enter a number."),
    ("2.1.2", {"result": "partial", "deduction": ""}, "deduction", "must be more than 0"),
    (
        "2.1.2",
        {"result": "partial", "deduction": "1.25"},
        "deduction",
        "Use at most one decimal place.",
    ),
    (
        "2.1.2",
        {"result": "na", "na_reason": "  "},
        "na_reason",
        "Say why this criterion does not apply.",
    ),
    (
        "1.1.3",
        {"result": "partial", "deduction": "2"},
        "result",
        "A veto criterion is either met or not",
    ),
    ("2.1.2", {"result": "maybe"}, "result", "Choose one of the answers."),
]


@pytest.mark.parametrize(
    "code, data, field, message",
    BAD_ANSWERS,
    ids=[
        f"{c}-{d['result']}-{d.get('deduction', d.get('na_reason', ''))}"
        for c, d, _, _ in BAD_ANSWERS
    ],
)
def test_a_bad_answer_is_refused_next_to_its_field_and_changes_nothing(
    cast, version, client_for, english, code, data, field, message
):
    assessment = start(cast, version)
    target = row(assessment, code)
    response = answer(client_for(cast.enterprise), target, **data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in htmllib.unescape(html)
    assert 'data-testid="row-error"' in html
    if field == "deduction":
        assert (
            f'id="d{target.pk}" value="{data["deduction"]}" class="form-control deduction '
            f'is-invalid"' in html
        )  # the user's input stays, marked
    if field == "na_reason":
        assert "form-control is-invalid" in html
    assert 'id="totals"' not in html  # nothing changed, nothing to update
    assert response["HX-Retarget"] == f"#answer-{target.pk}"  # the whole form, re-rendered
    fresh = AssessmentRow.objects.get(pk=target.pk)
    assert (fresh.result, fresh.deduction, fresh.revision) == ("", Decimal("0"), 0)


def test_a_row_of_another_assessment_is_not_found(cast, version, client_for):
    mine = start(cast, version)
    other = start(cast, version)
    foreign_row = row(other, "1.1.1")
    response = client_for(cast.enterprise).post(
        f"/assessments/{mine.pk}/rows/{foreign_row.pk}/",
        {"result": "compliant", "revision": 0},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert AssessmentRow.objects.get(pk=foreign_row.pk).result == ""


def test_a_stale_save_is_a_conflict_and_keeps_the_first_save(cast, version, client_for, english):
    assessment = start(cast, version)
    target = row(assessment, "2.1.2")
    first = answer(
        client_for(cast.enterprise_staff), target, "partial", deduction="4", notes="李娜先保存"
    )
    assert first.status_code == 200
    # The enterprise admin loaded the row at revision 0 too, and saves later.
    second = answer(client_for(cast.enterprise), target, "compliant", revision=0)
    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else changed this answer while you were editing it." in html
    assert "李娜先保存" in html  # the other user's saved values are shown
    assert f'id="r{target.pk}-partial" checked' in html
    assert f'id="rev-{target.pk}" value="1"' in html
    assert second["HX-Retarget"] == f"#answer-{target.pk}"
    target.refresh_from_db()
    assert (target.result, target.deduction, target.revision) == ("partial", Decimal("4"), 1)


def test_a_submitted_assessment_refuses_edits(cast, version, client_for, english):
    assessment = start(cast, version, team_leader="张伟")
    answer_all(assessment)
    services.assessment_submit(actor=cast.enterprise, assessment=assessment)
    client = client_for(cast.enterprise)
    target = row(assessment, "1.1.1")
    response = answer(client, target, "non_compliant")
    assert response.status_code == 409
    assert (
        "This assessment has been submitted and can no longer change." in response.content.decode()
    )
    assert 'data-testid="answer-form"' not in response.content.decode()
    assert AssessmentRow.objects.get(pk=target.pk).result == "compliant"
    team = client.post(
        f"/assessments/{assessment.pk}/team/",
        {
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "team_leader": "王强",
            "deaths_last_year": "0",
        },
        headers=HTMX,
    )
    assert team.status_code == 409
    assert Assessment.objects.get(pk=assessment.pk).team_leader == "张伟"
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-status="submitted"' in page and 'data-testid="read-only"' in page
    assert "answer-form" not in page and "submit-form" not in page and "team-form" not in page
    assert "evidence-input" not in page


def test_the_team_form_saves_and_updates_the_grade(cast, version, client_for, english):
    assessment = start(cast, version)
    answer_all(assessment)
    response = client_for(cast.enterprise).post(
        f"/assessments/{assessment.pk}/team/",
        {
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "team_leader": "王强",
            "team_members": "李娜 安全员",
            "deaths_last_year": "1",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="team-saved"' in html and 'hx-swap-oob="true"' in html
    assert 'data-grade="2"' in html  # 100 points, but one death caps it at level 2
    assessment.refresh_from_db()
    assert (assessment.team_leader, assessment.deaths_last_year) == ("王强", 1)
    assert AuditEvent.objects.filter(action="assessment.update").exists()


def test_a_bad_team_form_changes_nothing(cast, version, client_for, english):
    assessment = start(cast, version, team_leader="张伟")
    response = client_for(cast.enterprise).post(
        f"/assessments/{assessment.pk}/team/",
        {
            "period_start": "2025-06-01",
            "period_end": "2025-01-01",
            "team_leader": "王强",
            "deaths_last_year": "0",
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "The period ends before it starts." in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).team_leader == "张伟"


def test_submitting_with_unanswered_rows_or_no_leader_says_why(cast, version, client_for, english):
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    response = client.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    assert "Not submitted: 10 criteria are still unanswered." in response.content.decode()
    answer_all(assessment)
    response = client.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    assert "Name the leader of the self-assessment team." in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


def test_an_all_not_applicable_assessment_cannot_be_scored_or_submitted(
    cast, version, client_for, english
):
    assessment = start(cast, version, team_leader="张伟")
    assessment.rows.update(result="na", na_reason="不涉及")
    client = client_for(cast.enterprise)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="not-scorable"' in page and 'data-testid="score">—<' in page
    response = client.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    assert "cannot be scored" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    assert client.get(f"/assessments/{assessment.pk}/print/").status_code == 200


def test_submitting_locks_and_keeps_the_score(cast, version, client_for, english):
    assessment = start(cast, version, team_leader="张伟")
    answer_all(assessment)
    AssessmentRow.objects.filter(pk=row(assessment, "2.2.2").pk).update(result="non_compliant")
    client = client_for(cast.enterprise)
    response = client.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    html = response.content.decode()
    assert "Submitted: score 90.0, Level 1." in html
    assert 'data-status="submitted"' in html and "answer-form" not in html
    assessment.refresh_from_db()
    assert (assessment.submitted_score, assessment.submitted_grade) == (Decimal("90.0"), "1")
    listing = client.get("/assessments/").content.decode()
    assert "90.0" in listing and "Level 1" in listing


def test_without_htmx_a_save_redirects_back_to_the_row(cast, version, client_for):
    assessment = start(cast, version)
    target = row(assessment, "1.1.1")
    response = answer(client_for(cast.enterprise), target, "compliant", htmx=False)
    assert response.status_code == 302
    # Back to the row in the whole checklist (later elements load only with JavaScript).
    assert response["Location"] == f"/assessments/{assessment.pk}/?all=1#row-{target.pk}"
    assert AssessmentRow.objects.get(pk=target.pk).result == "compliant"
    page = client_for(cast.enterprise).get(response["Location"]).content.decode()
    assert f'id="row-{target.pk}"' in page


# --- the printable report ------------------------------------------------------------


def test_the_print_view_carries_everything_of_the_report(cast, version, client_for, english):
    assessment = start(cast, version, team_leader="张伟", team_members="李娜 安全员\n王强 设备主管")
    answer_all(assessment)
    AssessmentRow.objects.filter(pk=row(assessment, "1.2.1").pk).update(
        result="na", na_reason="本企业无此类设备"
    )
    AssessmentRow.objects.filter(pk=row(assessment, "2.1.2").pk).update(
        result="partial", deduction=Decimal("2.5"), notes="记录不全"
    )
    AssessmentRow.objects.filter(pk=row(assessment, "1.1.3").pk).update(result="non_compliant")
    page = client_for(cast.enterprise).get(f"/assessments/{assessment.pk}/print/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        cast.ent.name,
        cast.ent.uscc,
        version.standard.name_en,
        "2026",
        "张伟",
        "李娜 安全员",
        "王强 设备主管",
        "本企业无此类设备",
        "记录不全",
        "2.5",
        "css/assessment.css",
        "一级要素1",
        "二级要素2.1",
        "Draft: not submitted yet",
        "Printed on",
    ):
        assert text in html, text
    for code in ("1.1.1", "1.1.3", "2.2.2"):
        assert f'data-code="{code}"' in html
    # 77.5 of 90 due (10 not applicable) → 86.1; veto 1.1.3 failed → no grade.
    assert 'data-testid="report-score">86.1<' in html
    assert 'data-testid="report-vetoes">1.1.3<' in html
    assert "No grade" in html


# --- scope: who sees and changes what -----------------------------------------------


@pytest.fixture
def draft_and_submitted(cast, version):
    draft = start(cast, version)
    submitted = start(cast, version, team_leader="张伟")
    answer_all(submitted)
    services.assessment_submit(actor=cast.enterprise, assessment=submitted)
    return draft, submitted


PAGES = ["/assessments/{pk}/", "/assessments/{pk}/print/"]


@pytest.mark.parametrize(
    "who", ["other_enterprise", "reviewer", "other_district", "other_regulator"]
)
@pytest.mark.parametrize("url", PAGES)
def test_outsiders_get_404_on_every_page(cast, client_for, draft_and_submitted, who, url):
    client = client_for(getattr(cast, who))
    for assessment in draft_and_submitted:
        assert client.get(url.format(pk=assessment.pk)).status_code == 404


@pytest.mark.parametrize("who", ["other_enterprise", "reviewer", "district"])
def test_outsiders_cannot_write_to_a_draft(cast, client_for, draft_and_submitted, who):
    draft, _ = draft_and_submitted
    client = client_for(getattr(cast, who))
    target = row(draft, "1.1.1")
    assert answer(client, target, "compliant").status_code == 404
    assert client.post(f"/assessments/{draft.pk}/team/", {}).status_code == 404
    assert client.post(f"/assessments/{draft.pk}/submit/").status_code == 404
    assert client.post(f"/assessments/{draft.pk}/rows/{target.pk}/evidence/").status_code == 404
    assert AssessmentRow.objects.get(pk=target.pk).result == ""
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize("who", ["district", "city", "regulator", "group"])
def test_overseers_read_the_submitted_one_only_and_cannot_write(
    cast, client_for, draft_and_submitted, who
):
    draft, submitted = draft_and_submitted
    client = client_for(getattr(cast, who))
    assert client.get(f"/assessments/{draft.pk}/").status_code == 404
    page = client.get(f"/assessments/{submitted.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="answer-readonly"' in html and "answer-form" not in html
    assert "submit-form" not in html
    assert client.get(f"/assessments/{submitted.pk}/print/").status_code == 200
    target = row(submitted, "1.1.1")
    assert answer(client, target, "non_compliant").status_code == 403
    assert client.post(f"/assessments/{submitted.pk}/team/", {}).status_code == 403
    assert client.post(f"/assessments/{submitted.pk}/submit/").status_code == 403
    assert client.post(f"/assessments/{submitted.pk}/rows/{target.pk}/evidence/").status_code == 403
    assert AssessmentRow.objects.get(pk=target.pk).result == "compliant"
    listing = client.get("/assessments/").content.decode()
    assert f'data-id="{submitted.pk}"' in listing and f'data-id="{draft.pk}"' not in listing


def test_the_reviewer_and_outsiders_list_nothing(cast, client_for, draft_and_submitted):
    for who in ("reviewer", "other_district", "other_enterprise"):
        listing = client_for(getattr(cast, who)).get("/assessments/").content.decode()
        assert 'data-testid="no-assessments"' in listing, who


def test_enterprise_staff_may_answer_their_own(cast, version, client_for):
    assessment = start(cast, version)
    assert (
        answer(client_for(cast.enterprise_staff), row(assessment, "1.1.1"), "compliant").status_code
        == 200
    )


def test_pages_need_a_login(cast, draft_and_submitted, client):
    draft, _ = draft_and_submitted
    for url in ("/assessments/", f"/assessments/{draft.pk}/", f"/assessments/{draft.pk}/print/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_writes_need_post(cast, version, client_for):
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    target = row(assessment, "1.1.1")
    assert client.get(f"/assessments/{assessment.pk}/rows/{target.pk}/").status_code == 405
    assert client.get(f"/assessments/{assessment.pk}/submit/").status_code == 405


# --- performance: a constant number of queries whatever the size ---------------------


@pytest.mark.parametrize("n_criteria", [10, 200])
def test_the_checklist_page_runs_a_constant_number_of_queries(
    cast, client_for, n_criteria, django_assert_max_num_queries
):
    sv = make_version(n_criteria)
    assessment = start(cast, sv)
    answer_all(assessment)
    client = client_for(cast.enterprise)
    client.get(f"/assessments/{assessment.pk}/")  # the published spec is cached from now on
    with django_assert_max_num_queries(15):
        response = client.get(f"/assessments/{assessment.pk}/?all=1")
    assert response.content.decode().count('data-testid="row"') == n_criteria


def test_the_query_count_does_not_grow_with_the_criteria(cast, client_for):
    counts = []
    client = client_for(cast.enterprise)
    for n_criteria in (10, 200):
        assessment = start(cast, make_version(n_criteria, code=f"size-{n_criteria}"))
        client.get(f"/assessments/{assessment.pk}/")
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/assessments/{assessment.pk}/")
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_saving_one_answer_runs_a_constant_number_of_queries(cast, client_for):
    counts = []
    client = client_for(cast.enterprise)
    for n_criteria in (10, 200):
        assessment = start(cast, make_version(n_criteria, code=f"size-{n_criteria}"))
        target = row(assessment, "1.1.1")
        answer(client, target, "non_compliant")
        target.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            assert answer(client, target, "compliant").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 15
