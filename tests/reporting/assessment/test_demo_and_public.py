"""seed_demo leaves the demo district a draft report to open at once; the public
header links the published assessment results, which show final published
summaries only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reporting.assessment import flow, services
from reporting.assessment.models import AssessmentReport, Scheme
from reporting.snapshots import periods
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def english(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def test_seed_demo_leaves_the_demo_district_a_draft_report(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = StringIO()
    call_command("seed_demo", enterprises=0, stdout=out)
    today = timezone.localdate()
    quarter = periods.period_of(periods.QUARTER, today).previous()
    report = AssessmentReport.objects.get(unit_kind="district")
    assert (report.unit_name, report.period_code, report.status) == (
        "朝阳区",
        quarter.code,
        "draft",
    )
    assert report.pdf and report.xlsx and report.rank is not None
    assert Scheme.objects.filter(year=today.year, level="city").exists()
    assert "Demo assessment report: 朝阳区" in out.getvalue()

    from portal.models import User

    page = english(User.objects.get(username="demo-district")).get(reverse("assessment:index"))
    assert page.status_code == 200
    assert reverse("assessment:report", args=[report.pk]) in page.content.decode()
    # Another district's login does not see it.
    other = User.objects.filter(
        organisation__kind="district", organisation__status="active", is_active=True
    ).exclude(organisation__region_id=report.region_id)
    if other.exists():
        other_user = other.first()
        other_user.set_password(PASSWORD)
        other_user.save(update_fields=["password"])
        assert (
            english(other_user).get(reverse("assessment:report", args=[report.pk])).status_code
            == 404
        )

    call_command("seed_demo", enterprises=0, stdout=StringIO())
    assert AssessmentReport.objects.count() == 1  # run again: nothing new


def test_the_public_header_links_the_published_results(
    world, cast, django_capture_on_commit_callbacks
):
    anonymous = english()
    progress = anonymous.get(reverse("public_standing:progress")).content.decode()
    link = f'href="{reverse("assessment:public")}" data-testid="public-nav-assessment"'
    assert link in progress and "Assessment results" in progress

    with django_capture_on_commit_callbacks(execute=True):
        services.start_run(
            actor=cast.city, level="city", region=None, period_kind="quarter", period_code="2024-Q2"
        )
    draft = AssessmentReport.objects.get(unit_key="110105")
    flow.comment(actor=cast.district, report=draft, text="无异议。", objection=False)
    with django_capture_on_commit_callbacks(execute=True):
        final = flow.finalise(actor=cast.city, report=draft)
    flow.publish(actor=cast.city, report=final)

    page = anonymous.get(reverse("assessment:public"))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="public-header"' in text
    assert 'active" aria-current="page" href="/assessment-reports/public/"' in text
    assert "朝阳区" in text and "61.50" in text
    assert "海淀区" not in text  # a draft is not published
