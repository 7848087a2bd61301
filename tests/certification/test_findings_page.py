"""The on-site review's findings page: a finding is recorded for the criterion of
one row of the scoring sheet (the row links here with ?criterion=), never chosen
from a list of every criterion; without one the page lists the findings and says
to add one from a row. A deduction by default. The findings table is marked to
stack into cards on a phone (the layout itself: tests/browser/test_daily_work_browser.py)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from certification.models import Finding
from certification.onsite import findings as onsite_findings
from reviews.models import Criterion
from tests.certification.factories import make_tiered_version

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def findings_url(application, query: str = "") -> str:
    return reverse("certification:review_findings", args=[application.pk]) + query


def test_without_a_criterion_the_page_lists_findings_and_points_to_the_sheet(
    cast, version, in_review, client_for
):
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="veto", text="配电箱未接地。"
    )
    client = english(client_for(cast.reviewer))
    page = client.get(findings_url(in_review)).content.decode()
    assert 'data-testid="finding-form"' not in page
    assert "Findings are recorded from their row of the scoring sheet" in page
    assert f'href="{reverse("certification:review", args=[in_review.pk])}"' in page
    # No list of the standard's criteria to scroll through.
    assert 'name="criterion"' not in page and not re.search(r'<option value="\d+"', page)
    assert page.count('data-testid="finding"') == 1 and "配电箱未接地。" in page


def test_the_sheet_s_rows_link_to_the_page_with_their_criterion(cast, in_review, client_for):
    client = english(client_for(cast.reviewer))
    sheet = client.get(reverse("certification:review", args=[in_review.pk])).content.decode()
    linked = re.findall(r'href="([^"]+)" data-testid="row-finding-page"', sheet)
    wanted = {
        findings_url(in_review, f"?criterion={c.pk}")
        for c in Criterion.objects.filter(version=in_review.assessment.version)
    }
    assert set(linked) == wanted and len(linked) == 2


def test_a_finding_is_recorded_for_the_row_s_criterion_a_deduction_by_default(
    cast, version, in_review, client_for
):
    criterion = Criterion.objects.get(version=version, code="1.2")
    client = english(client_for(cast.reviewer))
    page = client.get(findings_url(in_review, f"?criterion={criterion.pk}")).content.decode()
    assert 'data-testid="finding-form"' in page
    assert (
        f'<input type="hidden" name="criterion" id="finding-criterion" value="{criterion.pk}">'
        in (page)
    )
    assert re.search(r'<option value="deduction" selected>', page)
    response = client.post(
        findings_url(in_review),
        {"criterion": criterion.pk, "kind": "deduction", "text": "台账缺失。"},
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.criterion, finding.kind, finding.must_rectify) == (
        criterion,
        Finding.Kind.DEDUCTION,
        False,  # the box was not ticked in this POST
    )


def test_a_criterion_of_another_standard_is_refused_and_records_nothing(
    cast, in_review, client_for
):
    other = make_tiered_version("other-standard")
    stranger = Criterion.objects.filter(version=other).first()
    client = english(client_for(cast.reviewer))
    page = client.get(findings_url(in_review, f"?criterion={stranger.pk}")).content.decode()
    assert 'data-testid="unknown-criterion"' in page and 'data-testid="finding-form"' not in page
    refused = client.post(
        findings_url(in_review), {"criterion": stranger.pk, "kind": "deduction", "text": "x"}
    )
    assert refused.status_code == 400
    assert "Choose a criterion of the standard this review uses." in refused.content.decode()
    assert not Finding.objects.exists()


def test_a_general_finding_is_still_possible(cast, in_review, client_for):
    client = english(client_for(cast.reviewer))
    page = client.get(findings_url(in_review, "?general=1")).content.decode()
    assert 'data-testid="finding-general"' in page and 'name="criterion"' not in page
    assert (
        client.post(
            findings_url(in_review), {"kind": "suggestion", "text": "建议完善。"}
        ).status_code
        == 302
    )
    assert Finding.objects.get().criterion is None


def test_the_table_stacks_on_a_phone_and_only_the_unit_sees_the_form(cast, in_review, client_for):
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="deduction", text="台账缺失。"
    )
    client = english(client_for(cast.reviewer))
    page = client.get(findings_url(in_review)).content.decode()
    assert re.search(r'<table class="[^"]*table-stack[^"]*" data-testid="findings-table">', page)
    for label in ("Kind", "Criterion", "Finding", "Recorded by"):
        assert f'data-label="{label}"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert 'data-label="登记人"' in client.get(findings_url(in_review)).content.decode()

    # The receiver reads the list; it neither records nor is told how to.
    district = english(client_for(cast.district))
    page = district.get(findings_url(in_review, "?general=1")).content.decode()
    assert "台账缺失。" in page
    assert 'data-testid="finding-form"' not in page and 'data-testid="finding-how"' not in page
