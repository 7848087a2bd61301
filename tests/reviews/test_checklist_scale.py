"""The checklist at size: the page reads the same number of queries for 20 and
120 criteria, builds its rows from the version's tree (kept per process only
for a version that can no longer change), shows each row's answer and
evidence as saved, escapes what users typed, and stays closed to users who
may not see the assessment."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reviews import services
from reviews.models import Assessment, Criterion, StandardVersion
from reviews.views import checklist_tree
from tests.reviews.test_assessment_pages import (  # noqa: F401
    answer,
    fresh_specs,
    make_version,
    row,
    start,
)


@pytest.fixture(autouse=True)
def fresh_trees():
    """Each test builds its own standards: no tree of an earlier test."""
    checklist_tree.forget_trees()
    yield
    checklist_tree.forget_trees()


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def page_of(client, assessment) -> str:
    """The checklist with every criterion in the page (?all=1)."""
    response = client.get(f"/assessments/{assessment.pk}/?all=1")
    assert response.status_code == 200
    return response.content.decode()


def submitted(assessment) -> None:
    """Overseers read a submitted self-assessment only."""
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)


def codes_in_order(page: str) -> list[str]:
    return re.findall(r'data-testid="row" data-code="([^"]+)"', page)


def test_the_page_reads_as_many_queries_for_120_criteria_as_for_20(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.enterprise)
    counts = []
    for size in (20, 120):
        assessment = start(cast, make_version(size, code=f"q{size}"))
        answer(client, row(assessment, "1.1.1"), "compliant")
        page_of(client, assessment)  # the tree is built once per version
        with django_assert_max_num_queries(9) as captured:
            page = page_of(client, assessment)
        counts.append(len(captured))
        assert len(codes_in_order(page)) == size
    assert counts[0] == counts[1]


def test_saving_one_answer_reads_as_many_queries_for_120_criteria_as_for_20(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.enterprise)
    counts = []
    for size in (20, 120):
        assessment = start(cast, make_version(size, code=f"s{size}"))
        answer(client, row(assessment, "1.1.1"), "compliant")
        with django_assert_max_num_queries(11) as captured:
            saved = answer(client, row(assessment, "1.1.2"), "non_compliant")
        assert saved.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_rows_come_in_the_standards_order_with_their_saved_answers(cast, client_for, english):
    version = make_version(12)
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    answer(client, row(assessment, "1.1.2"), "partial", deduction="2.5")
    answer(client, row(assessment, "2.1.1"), "na", na_reason="本企业无此岗位")
    page = page_of(client, assessment)
    expected = list(
        Criterion.objects.filter(version=version)
        .order_by("position")
        .values_list("code", flat=True)
    )
    assert codes_in_order(page) == expected
    partial = row(assessment, "1.1.2")
    form = page[page.index(f'id="answer-{partial.pk}"') :]
    form = form[: form.index("</form>")]
    assert f'value="partial" id="r{partial.pk}-partial" checked' in form
    assert 'class="partial-only mt-2 show"' in form and 'value="2.5"' in form
    assert f'name="revision" id="rev-{partial.pk}" value="{partial.revision}"' in form
    na = row(assessment, "2.1.1")
    assert (
        f'<textarea name="na_reason" id="na{na.pk}" rows="2" class="form-control">本企业无此岗位'
        in page
    )
    # The veto criterion (1.1.3) offers no "partly compliant".
    veto = row(assessment, "1.1.3")
    assert f'id="r{veto.pk}-non_compliant"' in page and f'id="r{veto.pk}-partial"' not in page
    assert page.count('data-answered="1"') == 2


def test_what_users_typed_is_escaped_on_the_page_and_in_the_read_only_view(cast, client_for):
    assessment = start(cast, make_version())
    client = client_for(cast.enterprise)
    answer(client, row(assessment, "1.1.1"), "compliant", notes='<script>alert("x")</script>')
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    page = page_of(client, assessment)  # in the form
    assert "<script>alert" not in page and escaped in page
    submitted(assessment)
    page = page_of(client_for(cast.district), assessment)  # in the read-only answer
    assert "<script>alert" not in page and escaped in page


def test_a_read_only_reader_sees_the_answers_without_forms(cast, client_for, english):
    assessment = start(cast, make_version())
    answer(client_for(cast.enterprise), row(assessment, "1.1.2"), "partial", deduction="3")
    submitted(assessment)
    client = client_for(cast.district)
    client.cookies["django_language"] = "en"
    page = page_of(client, assessment)
    assert 'data-testid="answer-form"' not in page and 'class="evidence-form"' not in page
    assert page.count('data-testid="answer-readonly"') == 10
    assert "3.0 points deducted" in page


def test_evidence_is_listed_under_its_row(cast, client_for, english, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = start(cast, make_version())
    target = row(assessment, "1.2.1")
    target.assessment = assessment
    services.evidence_add(
        actor=cast.enterprise,
        row=target,
        upload=SimpleUploadedFile("制度<汇编>.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    page = page_of(client_for(cast.enterprise), assessment)
    block = page[page.index(f'id="evidence-{target.pk}"') :]
    block = block[: block.index("</form>")]
    assert "制度&lt;汇编&gt;.pdf" in block and ">v1<" in block
    assert page.count('data-testid="evidence-file"') == 1


@pytest.mark.parametrize("outsider", ["other_enterprise", "other_district", "other_street"])
def test_the_page_and_a_save_are_refused_to_those_who_may_not_see_the_assessment(
    cast, client_for, outsider
):
    assessment = start(cast, make_version())
    target = row(assessment, "1.1.1")
    client = client_for(getattr(cast, outsider))
    assert client.get(f"/assessments/{assessment.pk}/").status_code == 404
    refused = answer(client, target, "compliant")
    assert refused.status_code == 404
    assert row(assessment, "1.1.1").result == ""


def test_a_draft_versions_checklist_is_never_kept(cast, client_for):
    version = make_version()
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    StandardVersion.objects.filter(pk=version.pk).update(status=StandardVersion.Status.DRAFT)
    assessment.version.refresh_from_db()
    assert "第1条" in page_of(client, assessment)
    Criterion.objects.filter(version=version, code="1.1.1").update(requirement="草稿里改过的要求")
    page = page_of(client, assessment)
    assert "草稿里改过的要求" in page and "第1条" not in page


def test_a_republished_version_is_built_again(cast, client_for):
    version = make_version()
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    assert "第1条" in page_of(client, assessment)
    # A published version never changes, so the page keeps its tree ...
    Criterion.objects.filter(version=version, code="1.1.1").update(requirement="重新发布的要求")
    assert "第1条" in page_of(client, assessment)
    # ... until it is published again from another source.
    StandardVersion.objects.filter(pk=version.pk).update(
        source_sha256="f" * 64, published_at=timezone.now()
    )
    page = page_of(client, assessment)
    assert "重新发布的要求" in page and "第1条" not in page
