"""Long self-assessment checklists: the bar with the unanswered count, the
contents with answered/total per element, folding elements, the submit button
in reach, a refused submit that names the count and leads to the first
unanswered criterion; for small firms a short start form, the one fitting
standard chosen, why a standard fits, a whole element marked not applicable in
one action, and every sign of the totals explained."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation

from portal.models import AuditEvent
from reviews.models import Assessment, Element
from tests.reviews.test_assessment_pages import (  # noqa: F401
    answer,
    fresh_specs,
    make_version,
    row,
    start,
)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def version(cast):
    return make_version()


def page_of(client, assessment: Assessment) -> str:
    return client.get(f"/assessments/{assessment.pk}/").content.decode()


def test_the_bar_counts_the_unanswered_and_lists_the_elements(cast, version, client_for, english):
    assessment = start(cast, version, team_leader="张伟")
    client = client_for(cast.enterprise)
    answer(client, row(assessment, "1.1.1"), "compliant")
    page = page_of(client, assessment)
    bar = page[page.index('data-testid="checklist-bar"') : page.index('data-testid="element"')]
    assert 'data-unanswered="9"' in bar
    assert re.search(r'data-testid="bar-unanswered">9 unanswered<', bar)
    assert 'data-testid="next-unanswered"' in bar and 'data-testid="only-unanswered"' in bar
    assert 'data-testid="bar-submit"' in bar
    counts = dict(
        re.findall(
            r'data-testid="toc-link" data-code="([^"]+)">.*?data-testid="toc-count">([^<]+)<', bar
        )
    )
    assert counts == {"1": "1/5", "2": "0/5"}
    assert page.count('data-testid="element-toggle"') == 2
    assert page.count('data-answered="1"') == 1 and page.count('data-answered="0"') == 9
    # The saved answer's totals carry the new count for the bar (htmx swaps it in).
    saved = answer(client, row(assessment, "1.1.2"), "compliant")
    assert 'id="scorebar"' in saved.content.decode()
    assert 'data-unanswered="8"' in saved.content.decode()


def test_the_bar_is_there_in_chinese_too(cast, version, client_for):
    assessment = start(cast, version)
    page = page_of(client_for(cast.enterprise), assessment)
    assert 'lang="zh-CN"' in page
    assert 'data-unanswered="10"' in page and 'data-testid="bar-unanswered"' in page


def test_a_read_only_checklist_has_no_submit_in_the_bar(cast, version, client_for):
    assessment = start(cast, version, team_leader="张伟")
    assessment.rows.update(result="compliant")
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    page = page_of(client_for(cast.enterprise), assessment)
    assert 'data-testid="checklist-bar"' in page and 'data-testid="bar-all-answered"' in page
    assert 'data-testid="bar-submit"' not in page and 'data-testid="element-na"' not in page


def test_submitting_with_unanswered_criteria_says_how_many_and_leads_to_the_first(
    cast, version, client_for, english
):
    assessment = start(cast, version, team_leader="张伟")
    assessment.rows.exclude(criterion__code__in=("1.2.1", "2.1.1")).update(result="compliant")
    client = client_for(cast.enterprise)
    refused = client.post(f"/assessments/{assessment.pk}/submit/")
    assert refused.status_code == 302
    assert refused.url.endswith(f"#row-{row(assessment, '1.2.1').pk}")
    shown = client.get(refused.url.split("#")[0]).content.decode()
    assert "Not submitted: 2 criteria are still unanswered." in shown
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert not AuditEvent.objects.filter(action="assessment.submit").exists()


def test_a_whole_element_is_marked_not_applicable_in_one_action(cast, version, client_for, english):
    assessment = start(cast, version, team_leader="张伟")
    client = client_for(cast.enterprise)
    answer(client, row(assessment, "2.2.1"), "compliant")
    element = Element.objects.get(version=version, code="2.2")
    done = client.post(
        f"/assessments/{assessment.pk}/elements/{element.pk}/not-applicable/",
        {"reason": "本企业无此岗位"},
        follow=True,
    )
    text = done.content.decode()
    codes = list(
        assessment.rows.filter(criterion__element=element)
        .order_by("criterion__position")
        .values_list("criterion__code", "result", "na_reason")
    )
    assert codes[0] == ("2.2.1", "compliant", "")  # answered already: left as it was
    assert all(result == "na" and reason == "本企业无此岗位" for _c, result, reason in codes[1:])
    marked = len(codes) - 1
    assert marked >= 1
    noun = "criterion" if marked == 1 else "criteria"
    assert f"2.2: {marked} {noun} marked not applicable." in text
    # Another element's rows are untouched.
    assert not assessment.rows.exclude(criterion__element=element).filter(result="na").exists()


def test_an_element_without_a_reason_or_of_another_version_changes_nothing(
    cast, version, client_for, english
):
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    element = Element.objects.get(version=version, code="1.1")
    refused = client.post(
        f"/assessments/{assessment.pk}/elements/{element.pk}/not-applicable/",
        {"reason": "  "},
        follow=True,
    )
    assert "Say why this criterion does not apply." in refused.content.decode()
    other = make_version(code="other")
    foreign = Element.objects.get(version=other, code="1.1")
    assert (
        client.post(
            f"/assessments/{assessment.pk}/elements/{foreign.pk}/not-applicable/",
            {"reason": "x"},
        ).status_code
        == 404
    )
    # Someone who may read but not write: 403 or 404, nothing changes.
    for user in (cast.district, cast.reviewer):
        assert client_for(user).post(
            f"/assessments/{assessment.pk}/elements/{element.pk}/not-applicable/",
            {"reason": "x"},
        ).status_code in (403, 404)
    assert not assessment.rows.exclude(result="").exists()


def test_criteria_that_may_not_be_not_applicable_are_left_and_named(
    cast, version, client_for, english
):
    assessment = start(cast, version)
    element = Element.objects.get(version=version, code="1.1")
    vetoed = row(assessment, "1.1.3").criterion
    vetoed.allow_na = False
    vetoed.save(update_fields=["allow_na"])
    done = client_for(cast.enterprise).post(
        f"/assessments/{assessment.pk}/elements/{element.pk}/not-applicable/",
        {"reason": "本企业无此岗位"},
        follow=True,
    )
    assert row(assessment, "1.1.3").result == ""
    assert "answer them: 1.1.3" in done.content.decode()


# --- starting: short for small firms ------------------------------------------------


def test_the_start_form_is_short_and_the_only_fitting_standard_is_chosen(
    cast, version, client_for, english
):
    page = client_for(cast.enterprise).get("/assessments/").content.decode()
    form = page[page.index('data-testid="start-form"') :]
    more = form[form.index('data-testid="start-more"') :]
    for name in ("version", "period_start", "period_end", "team_leader"):
        assert f'name="{name}"' in form[: form.index('data-testid="start-more"')], name
    for name in ("team_members", "deaths_last_year", "copy_from"):
        assert f'name="{name}"' in more, name
    assert f'value="{version.pk}" checked>' in form
    assert "The standard that fits your enterprise" in page
    assert 'data-testid="other-standards"' not in page
    assert "Made for your industry" in page


def test_with_several_standards_the_best_fit_is_checked_and_the_others_fold(
    cast, version, client_for, english
):
    general = make_version(code="general", industries=())
    page = client_for(cast.enterprise).get("/assessments/").content.decode()
    best = page[page.index('data-testid="recommended-standard"') :]
    best = best[: best.index('data-testid="other-standards"')]
    assert f'value="{version.pk}" checked>' in best and "Fits your enterprise best" in best
    others = page[page.index('data-testid="other-standards"') :]
    assert f'value="{general.pk}">' in others and "Covers every industry." in others


def test_every_sign_of_the_totals_is_explained(cast, version, client_for):
    assessment = start(cast, version)
    with translation.override("en"):
        page = page_of(client_for(cast.enterprise), assessment)
    legend = page[page.index('data-testid="totals-legend"') :]
    for sign in ("(−10)", "✓ / ✗", "<dt>—</dt>", "<dt>%</dt>"):
        assert sign in legend, sign


@pytest.mark.parametrize("n_criteria", [10])
def test_the_checklist_with_its_bar_keeps_its_query_count(
    cast, client_for, n_criteria, django_assert_max_num_queries
):
    version = make_version(code="q")
    assessment = start(cast, version)
    client = client_for(cast.enterprise)
    with django_assert_max_num_queries(15):
        assert client.get(f"/assessments/{assessment.pk}/").status_code == 200
    # The list reads its page's ids in one query and their answered counts in another
    # (tests/reviews/test_assessment_list_queries.py pins it at two sizes).
    with django_assert_max_num_queries(15):
        assert client.get("/assessments/").status_code == 200
