"""A long checklist carries its first A elements (up to ROWS_FIRST criteria) and
loads each later one when the user reaches it: together they show every criterion once,
in the standard's order, with the same forms; the later elements' requests are scoped
like the page, and each reads a constant number of queries."""

from __future__ import annotations

import re

import pytest

from reviews.models import AssessmentRow
from reviews.views.checklist_page import ROWS_FIRST
from tests.reviews.test_assessment_pages import answer, make_version, row, start

pytestmark = pytest.mark.django_db


def codes(html: str) -> list[str]:
    return re.findall(r'data-testid="row" data-code="([^"]+)"', html)


def later_urls(html: str) -> list[str]:
    return re.findall(r'hx-get="([^"]+)" hx-trigger="revealed"', html)


def unanswered_counts(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-later-rows data-unanswered="(\d+)"', html)]


@pytest.fixture
def long_checklist(cast):
    """120 criteria under 8 A elements of 15 (1.1.1 … 8.2.x)."""
    return start(cast, make_version(120, code="long"))


def test_the_page_carries_its_first_elements_and_loads_the_others(cast, client_for, long_checklist):
    client = client_for(cast.enterprise)
    answer(client, row(long_checklist, "3.1.1"), "compliant")
    page = client.get(f"/assessments/{long_checklist.pk}/").content.decode()
    first = codes(page)
    assert len(first) == ROWS_FIRST and first[0] == "1.1.1"
    urls = later_urls(page)
    assert len(urls) == 6  # elements 3 … 8
    # How many each later element has left to answer (3.1.1 is answered).
    assert unanswered_counts(page) == [14, 15, 15, 15, 15, 15]
    later = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        later += codes(response.content.decode())
    whole = client.get(f"/assessments/{long_checklist.pk}/?all=1").content.decode()
    assert first + later == codes(whole)
    assert len(codes(whole)) == 120
    # A later element's rows carry their forms and saved answers, as in the whole page.
    third = client.get(urls[0]).content.decode()
    target = row(long_checklist, "3.1.1")
    assert f'id="answer-{target.pk}"' in third
    assert f'id="r{target.pk}-compliant" checked' in third
    assert 'data-testid="element-na"' in third
    assert 'name="csrfmiddlewaretoken"' in third


def test_a_short_checklist_has_no_later_elements(cast, client_for):
    assessment = start(cast, make_version(20, code="short"))
    page = client_for(cast.enterprise).get(f"/assessments/{assessment.pk}/").content.decode()
    assert len(codes(page)) == 20
    assert later_urls(page) == [] and 'data-testid="later-note"' not in page


def test_a_submitted_checklists_later_elements_are_read_only(cast, client_for, long_checklist):
    AssessmentRow.objects.filter(assessment=long_checklist).update(result="compliant")
    long_checklist.status = long_checklist.Status.SUBMITTED
    long_checklist.save(update_fields=["status"])
    client = client_for(cast.district)
    page = client.get(f"/assessments/{long_checklist.pk}/").content.decode()
    url = later_urls(page)[0]
    body = client.get(url).content.decode()
    assert 'data-testid="answer-readonly"' in body and "<form" not in body


def test_nobody_outside_the_scope_reads_a_later_element(cast, client_for, long_checklist):
    page = client_for(cast.enterprise).get(f"/assessments/{long_checklist.pk}/")
    url = later_urls(page.content.decode())[0]
    for outsider in (cast.other_enterprise, cast.other_district):
        assert client_for(outsider).get(url).status_code == 404, outsider
    client = client_for(cast.enterprise)
    # An element of another version, or an unknown one: 404 too.
    other = make_version(120, code="other").elements.filter(parent=None).last()
    assert (
        client.get(f"/assessments/{long_checklist.pk}/elements/{other.pk}/rows/").status_code == 404
    )
    assert client.get(f"/assessments/{long_checklist.pk}/elements/999999/rows/").status_code == 404
    assert client.post(url).status_code == 405


def test_the_page_and_a_later_element_read_as_many_queries_for_200_criteria_as_for_60(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.enterprise)
    counts = []
    for size in (60, 200):
        assessment = start(cast, make_version(size, code=f"later{size}"))
        page = client.get(f"/assessments/{assessment.pk}/").content.decode()
        url = later_urls(page)[-1]
        with django_assert_max_num_queries(9) as page_queries:
            page = client.get(f"/assessments/{assessment.pk}/").content.decode()
        with django_assert_max_num_queries(8) as element_queries:
            assert client.get(url).status_code == 200
        counts.append((len(page_queries), len(element_queries)))
        assert len(codes(page)) <= ROWS_FIRST + 15
    assert counts[0] == counts[1]
