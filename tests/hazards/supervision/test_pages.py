"""The pages of a major hazard's report and plan and of listed supervision: who
sees and does what, the 督办通知书 PDF, the worklist, constant query counts, and
the public list (no login, nothing of a tip-off's reporter, no internal id)."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

from hazards.models import Hazard, ReportReceipt, SupervisionListing, TreatmentPlan
from hazards.supervision import services
from portal.models import AuditEvent
from tests.hazards.supervision.world import (
    PLAN,
    REPORT,
    applied,
    approved,
    evaluated,
    listed,
    major,
    reported,
    today,
)


def url(name: str, *args) -> str:
    return reverse(f"hazards:supervision:{name}", args=args)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- report and plan --------------------------------------------------------------------


def test_the_enterprise_writes_and_its_principal_submits_the_report(cast, client_for):
    hazard = major(cast)
    client = english(client_for(cast.enterprise_staff))
    page = client.get(url("report", hazard.pk)).content.decode()
    assert 'data-testid="report-form"' in page and "submit-report" not in page
    assert client.post(url("report", hazard.pk), REPORT).status_code == 302
    # The staff member is not the principal.
    assert client.post(url("report_submit", hazard.pk)).status_code == 403
    client = english(client_for(cast.enterprise))
    assert 'data-testid="submit-report"' in client.get(url("report", hazard.pk)).content.decode()
    assert client.post(url("report_submit", hazard.pk)).status_code == 302
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="major-panel"' in page and "朝阳区人民政府" in page
    # Submitted: the form is gone; an edit is refused.
    page = client.get(url("report", hazard.pk)).content.decode()
    assert 'data-testid="report-submitted"' in page and 'data-testid="report-form"' not in page
    response = client.post(url("report", hazard.pk), {**REPORT, "treatment_outline": "改"})
    assert response.status_code == 400 and "no longer changes" in response.content.decode()


def test_the_district_acknowledges_from_the_hazard_page_and_its_receipts(cast, client_for):
    hazard = reported(cast)
    client = english(client_for(cast.district))
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert page.count('data-testid="acknowledge"') == 1  # its own receipt only
    assert 'data-testid="receipt-row"' in client.get(url("receipts")).content.decode()
    receipt = ReportReceipt.objects.get(organisation=cast.district.organisation)
    response = client.post(url("acknowledge", receipt.pk), {"next": "hazard"})
    assert response.status_code == 302 and response.url.endswith(f"/hazards/{hazard.pk}/")
    receipt.refresh_from_db()
    assert receipt.acknowledged_by == cast.district
    # Another office's receipt is not reachable.
    regulator_receipt = ReportReceipt.objects.get(organisation=cast.regulator.organisation)
    assert client.post(url("acknowledge", regulator_receipt.pk)).status_code == 404


def test_a_late_report_shows_on_the_hazard(cast, client_for, settings):
    settings.MAJOR_HAZARD_REPORT_DAYS = 1
    hazard = major(cast, found_on=today() - datetime.timedelta(days=4))
    page = client_for(cast.district).get(reverse("hazards:detail", args=[hazard.pk]))
    assert 'data-testid="report-late"' in page.content.decode()


def test_the_plan_page_names_what_is_missing_and_locks_after_approval(cast, client_for):
    hazard = reported(cast)
    client = english(client_for(cast.enterprise_staff))
    client.post(url("plan", hazard.pk), {**PLAN, "funds_and_materials": ""})
    page = client.get(url("plan", hazard.pk)).content.decode()
    assert 'data-testid="plan-missing"' in page and "funds and materials" in page
    response = english(client_for(cast.enterprise)).post(
        reverse("hazards:act", args=[hazard.pk, "approve_plan"])
    )
    assert response.status_code == 400 and "funds and materials" in response.content.decode()
    client.post(url("plan", hazard.pk), PLAN)
    client_for(cast.enterprise).post(reverse("hazards:act", args=[hazard.pk, "approve_plan"]))
    assert TreatmentPlan.objects.get().approved_by == cast.enterprise
    page = client_for(cast.enterprise_staff).get(url("plan", hazard.pk)).content.decode()
    assert 'data-testid="plan-approved"' in page and 'data-testid="plan-form"' not in page


@pytest.mark.parametrize("who", ["district", "regulator", "street", "group"])
def test_overseers_read_the_report_and_plan_and_write_nothing(cast, client_for, who):
    hazard = approved(cast)
    client = client_for(getattr(cast, who))
    assert client.get(url("report", hazard.pk)).status_code == 200
    assert client.get(url("plan", hazard.pk)).status_code == 200
    audits = AuditEvent.objects.count()
    assert client.post(url("report", hazard.pk), REPORT).status_code == 403
    assert client.post(url("plan", hazard.pk), PLAN).status_code == 403
    assert client.post(url("report_submit", hazard.pk)).status_code == 403
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("who", ["other_district", "other_street", "other_enterprise"])
def test_outsiders_get_404(cast, client_for, who):
    listing = listed(cast)
    client = client_for(getattr(cast, who))
    for address in (
        url("report", listing.hazard_id),
        url("plan", listing.hazard_id),
        url("detail", listing.pk),
        url("notice", listing.pk),
        url("new", listing.hazard_id),
    ):
        assert client.get(address).status_code == 404, address


# --- listing ----------------------------------------------------------------------------


def test_a_district_official_lists_on_the_page_and_gets_the_notice(cast, client_for):
    hazard = approved(cast)
    client = english(client_for(cast.district_staff))
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="list-hazard"' in page
    response = client.post(
        url("new", hazard.pk),
        {
            "listed_on": today().isoformat(),
            "deadline": (today() + datetime.timedelta(days=30)).isoformat(),
            "suspension": "full",
            "requirements": "全部停产整改。",
            "progress_interval_days": 10,
        },
    )
    listing = SupervisionListing.objects.get()
    assert response.status_code == 302 and response.url == url("detail", listing.pk)
    response = client.get(url("notice", listing.pk))
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        assert listing.number in text.replace(" ", "")
        assert cast.ent.name in text.replace(" ", "")
        assert "全部停产停业" in text


@pytest.mark.parametrize("who", ["enterprise", "street", "regulator", "group"])
def test_only_the_district_or_city_lists(cast, client_for, who):
    hazard = approved(cast)
    client = client_for(getattr(cast, who))
    assert client.get(url("new", hazard.pk)).status_code == 403
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="list-hazard"' not in page


def test_the_enterprise_reports_evaluates_and_applies_on_the_page(cast, client_for, tmp_path):
    listing = listed(cast)
    client = english(client_for(cast.enterprise))
    page = client.get(url("detail", listing.pk)).content.decode()
    assert 'data-testid="next-due"' in page and 'data-testid="review-form"' not in page
    assert client.post(url("progress", listing.pk), {"text": "已停用。"}).status_code == 302
    # Applying before the evaluation: refused with the reason, nothing written.
    response = client.post(url("apply", listing.pk), {"text": "申请核销"})
    assert response.status_code == 400 and "evaluation" in response.content.decode()
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"just text")
    with bad.open("rb") as upload:
        response = client.post(
            url("evaluate", listing.pk),
            {
                "by": "own_experts",
                "body_name": "专家组",
                "conclusion": "合格",
                "evaluated_on": today().isoformat(),
                "file": upload,
            },
        )
    assert response.status_code == 400 and "PDF, JPG or PNG" in response.content.decode()
    assert not listing.evaluations.exists()


def test_the_street_office_reads_a_listing_and_writes_nothing(cast, client_for):
    listing = applied(cast)
    client = client_for(cast.street)
    page = client.get(url("detail", listing.pk)).content.decode()
    assert 'data-testid="do-' not in page
    audits = AuditEvent.objects.count()
    for name, body in (
        ("progress", {"text": "x"}),
        ("apply", {"text": "x"}),
        ("review", {"verdict": "closed", "opinion": "x"}),
    ):
        assert client.post(url(name, listing.pk), body).status_code == 403, name
    assert AuditEvent.objects.count() == audits


def test_two_officials_review_on_the_page_and_one_is_refused(cast, client_for):
    listing = applied(cast)
    client = english(client_for(cast.district))
    body = {
        "verdict": "closed",
        "reviewers": [cast.district.pk],
        "reviewed_on": today().isoformat(),
        "opinion": "同意核销。",
    }
    response = client.post(url("review", listing.pk), body)
    assert response.status_code == 400 and "at least 2" in response.content.decode()
    body["reviewers"] = [cast.district.pk, cast.district_staff.pk]
    assert client.post(url("review", listing.pk), body).status_code == 302
    listing.refresh_from_db()
    assert listing.status == "closed"
    assert listing.hazard.status == Hazard.Status.CLOSED
    # The city office sees the listing but did not issue it: 403.
    assert client_for(cast.city).post(url("review", listing.pk), body).status_code == 403


def test_the_worklist_shows_reviews_due_and_late_progress(cast, client_for):
    late = listed(
        cast,
        approved(cast, major(cast, found_on=today() - datetime.timedelta(days=40))),
        listed_on=today() - datetime.timedelta(days=30),
    )
    due = applied(cast)
    page = english(client_for(cast.district)).get(url("list")).content.decode()
    assert 'data-testid="worklist"' in page
    assert page.count('data-testid="review-due"') == 1 and due.number in page
    assert page.count('data-testid="progress-overdue"') == 1 and late.number in page
    # Not for an enterprise.
    assert (
        'data-testid="worklist"'
        not in client_for(cast.enterprise).get(url("list")).content.decode()
    )


def test_the_list_pages_take_the_same_queries_for_more_listings(
    cast, client_for, django_assert_max_num_queries
):
    listed(cast)
    client = client_for(cast.district)
    with django_assert_max_num_queries(30) as few:
        client.get(url("list"))
    with django_assert_max_num_queries(15) as public_few:
        client.get(reverse("public_supervision:list"))
    for _ in range(4):
        evaluated(cast, listed(cast))
    services.progress_report(
        actor=cast.enterprise, listing=SupervisionListing.objects.first(), text="进展"
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("list")).content.decode()
    assert page.count('data-testid="listing-row"') == 5
    with django_assert_max_num_queries(len(public_few.captured_queries)):
        client.get(reverse("public_supervision:list"))


# --- the public page --------------------------------------------------------------------


def test_the_public_page_lists_listings_and_their_closing_to_anyone(cast, client):
    open_one = listed(cast, approved(cast, major(cast, source=Hazard.Source.TIP_OFF)))
    closed = applied(cast)
    services.close_review(
        actor=cast.district,
        listing=closed,
        verdict="closed",
        reviewers=[cast.district, cast.district_staff],
        opinion="同意核销。",
    )
    response = english(client).get(reverse("public_supervision:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="public-listing"') == 2
    assert open_one.number in page and closed.number in page and cast.ent.name in page
    assert "Closed" in page and "已核销" not in page and "朝阳区人民政府" in page
    # No internal id: neither the ledger's hazard numbers nor links into the portal.
    assert open_one.hazard.number not in page and closed.hazard.number not in page
    assert "/hazards/" not in page and "Tip-off" not in page
    # Searchable; the API says the same without login.
    found = client.get(reverse("public_supervision:list"), {"q": closed.number}).content.decode()
    assert found.count('data-testid="public-listing"') == 1
    data = client.get("/api/v1/public-hazard-listings/", {"q": "朝阳"}).json()
    assert {row["number"] for row in data["results"]} == {open_one.number, closed.number}
    assert set(data["results"][0]) == {
        "number",
        "enterprise_name",
        "hazard_summary",
        "issuer_name",
        "level",
        "listed_on",
        "deadline",
        "status",
        "closed_on",
    }


def test_the_public_pages_lead_to_the_listed_supervisions(db, client):
    """A visitor on the public announcements finds the listings, and back."""
    announcements = english(client).get(reverse("public:announcements")).content.decode()
    assert f'href="{reverse("public_supervision:list")}"' in announcements
    listings = english(client).get(reverse("public_supervision:list")).content.decode()
    assert 'data-testid="public-nav"' in listings
    assert f'href="{reverse("public:announcements")}"' in listings
