"""A long on-site sheet: the page carries its first A elements, each later one as its
counts, and loads its rows when the reviewer reaches it (certification:review_element).
What the reviewer reads must not depend on what has loaded: the totals, the
table of contents, the differing rows and the unchecked rows count the whole sheet."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from certification.onsite import rules as onsite
from certification.onsite.sheet import ROWS_FIRST
from reviews.models import AssessmentRow, Evidence
from tests.certification.factories import application_in_review
from tests.reviews.test_assessment_pages import make_version

ROW_IDS = re.compile(r'id="row-(\d+)"')


def rows_in(html: str) -> set[int]:
    return {int(pk) for pk in ROW_IDS.findall(html)}


@pytest.fixture
def long_review(cast):
    """120 criteria in 8 A elements of 15: elements 1 and 2 fit in the first 30 rows."""
    application = application_in_review(cast, make_version(n_criteria=120, code="long-sheet"))
    rows = {
        row.criterion.code: row
        for row in onsite.review_for(application).assessment.rows.select_related("criterion")
    }
    return application, rows


def page(client, application, query: str = "") -> str:
    response = client.get(reverse("certification:review", args=[application.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def element_url(application, row) -> str:
    return reverse(
        "certification:review_element", args=[application.pk, row.criterion.a_element_id]
    )


def test_the_page_carries_its_first_elements_and_counts_the_later_ones(
    cast, long_review, client_for
):
    application, rows = long_review
    # The reviewers change two answers in element 6; one row there is checked on site.
    AssessmentRow.objects.filter(pk=rows["6.1.1"].pk).update(result="non_compliant")
    AssessmentRow.objects.filter(pk=rows["6.2.1"].pk).update(
        result="not_applicable", na_reason="无"
    )
    AssessmentRow.objects.filter(pk=rows["6.1.2"].pk).update(confirmed_at="2026-12-01T10:00Z")
    html = page(client_for(cast.reviewer), application)

    first = {row.pk for code, row in rows.items() if code.split(".")[0] in ("1", "2")}
    assert rows_in(html) == first
    assert len(first) == ROWS_FIRST
    assert html.count('data-testid="element-later"') == 6
    later = re.search(
        r'<div class="element-body element-later"[^>]*data-later-rows="([^"]+)"'
        r'[^>]*data-unconfirmed="(\d+)" data-differs="(\d+)"',
        html.split('id="element-6"')[1],
    )
    assert later.group(1) == element_url(application, rows["6.1.1"])
    assert (later.group(2), later.group(3)) == ("14", "2")
    # The totals and the contents count every row, loaded or not.
    assert re.search(r'data-testid="differs-count">2<', html)
    assert re.search(r'data-testid="confirmed-count">1<', html)
    assert ">1/15<" in html.split('data-code="6"')[1].split("</a>")[0]


def test_a_later_element_returns_exactly_its_rows_with_the_enterprises_answers(
    cast, long_review, client_for, tmp_path, settings
):
    application, rows = long_review
    settings.MEDIA_ROOT = tmp_path
    self_row = AssessmentRow.objects.get(
        assessment_id=application.assessment_id, criterion=rows["7.1.2"].criterion
    )
    Evidence.objects.create(
        row=self_row,
        file="evidence/a.pdf",
        original_name="七号台账.pdf",
        size=3,
        uploaded_by=cast.enterprise,
    )
    response = client_for(cast.reviewer).get(element_url(application, rows["7.1.1"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert rows_in(html) == {row.pk for code, row in rows.items() if code.startswith("7.")}
    assert html.startswith('  <div class="element-body">')
    assert "七号台账.pdf" in html
    # The reviewer's forms, as in the page.
    assert f'action="/applications/{application.pk}/review/rows/{rows["7.1.1"].pk}/"' in html


def test_the_whole_sheet_and_the_differing_rows_come_in_one_page(cast, long_review, client_for):
    application, rows = long_review
    AssessmentRow.objects.filter(pk=rows["8.2.1"].pk).update(result="non_compliant")
    client = client_for(cast.reviewer)
    whole = page(client, application, "?all=1")
    assert rows_in(whole) == {row.pk for row in rows.values()}
    assert 'data-testid="element-later"' not in whole
    differing = page(client, application, "?show=differs")
    assert rows_in(differing) == {rows["8.2.1"].pk}


def test_an_element_outside_the_sheet_is_not_found(cast, long_review, client_for):
    application, rows = long_review
    other = make_version(n_criteria=20, code="other-sheet").elements.filter(parent=None).first()
    url = reverse("certification:review_element", args=[application.pk, other.pk])
    assert client_for(cast.reviewer).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_district", 404), ("other_enterprise", 404), ("enterprise", 403)],
)
def test_a_later_element_is_refused_as_the_page_is(cast, long_review, client_for, who, status):
    application, rows = long_review
    client = client_for(getattr(cast, who))
    assert client.get(reverse("certification:review", args=[application.pk])).status_code == status
    response = client.get(element_url(application, rows["5.1.1"]))
    assert response.status_code == status
    assert b"row-" not in response.content


def test_a_form_posted_without_the_script_comes_back_to_its_row_in_the_whole_sheet(
    cast, long_review, client_for
):
    application, rows = long_review
    row = rows["8.1.1"]
    response = client_for(cast.reviewer).post(
        reverse("certification:review_row", args=[application.pk, row.pk]),
        {"result": "compliant", "revision": row.revision},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("certification:review", args=[application.pk]) + f"?all=1#row-{row.pk}"
    )
    assert AssessmentRow.objects.get(pk=row.pk).result == "compliant"


@pytest.mark.parametrize("n_criteria", [60, 240])
def test_the_page_and_an_element_read_the_same_number_of_times_at_any_size(
    cast, client_for, django_assert_max_num_queries, n_criteria
):
    application = application_in_review(
        cast, make_version(n_criteria=n_criteria, code=f"size-{n_criteria}")
    )
    last = onsite.review_for(application).assessment.rows.order_by("-criterion__position")[0]
    client = client_for(cast.reviewer)
    page(client, application)
    with django_assert_max_num_queries(17):
        page(client, application)
    with django_assert_max_num_queries(13):
        assert client.get(element_url(application, last)).status_code == 200
