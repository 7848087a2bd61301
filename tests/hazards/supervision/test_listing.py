"""Listed supervision (挂牌督办): each move a service with one audit row, refusals
writing nothing; the listing's review is the only way a listed hazard closes."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from hazards import services as ledger
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import (
    CloseApplication,
    EvaluationFile,
    Hazard,
    HazardCounter,
    ListingProgress,
    SupervisionListing,
)
from hazards.supervision import rules, services
from hazards.views import moves_open_to
from portal.errors import ServiceError
from portal.models import AuditEvent
from tests.hazards.factories import JPG, PNG, record
from tests.hazards.supervision.world import (
    applied,
    approved,
    evaluated,
    listed,
    major,
    pdf_file,
    second_official,
    today,
)

Status = SupervisionListing.Status


def refused(call, error=ServiceError) -> str:
    audits = AuditEvent.objects.count()
    listings = list(SupervisionListing.objects.values_list("pk", "status"))
    with pytest.raises(error) as caught:
        with transaction.atomic():
            call()
    assert AuditEvent.objects.count() == audits, "a refusal writes nothing"
    assert list(SupervisionListing.objects.values_list("pk", "status")) == listings
    return str(caught.value.message)


def audit_actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="listing.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- listing --------------------------------------------------------------------------


def test_a_district_lists_a_major_hazard_of_its_district_with_a_gap_free_number(cast):
    first = listed(cast)
    assert first.number == f"京110105督〔{today().year}〕1号"
    assert (first.level, first.issuer_id) == ("district", cast.district.organisation_id)
    assert first.status == Status.LISTED
    assert audit_actions() == ["listing.list"]
    # A refused listing does not use a number.
    refused(lambda: listed(cast, deadline=today() - datetime.timedelta(days=1)))
    second = listed(cast, actor=cast.district_staff)
    assert second.number.endswith("〕2号")


def test_the_city_office_lists_at_city_level(cast):
    listing = listed(cast, actor=cast.city)
    assert listing.level == "city" and listing.number == f"京市督〔{today().year}〕1号"
    assert HazardCounter.objects.filter(key=f"listing-city-{today().year}").exists()


@pytest.mark.parametrize(
    "who", ["other_district", "street", "regulator", "enterprise", "group", "other_enterprise"]
)
def test_no_one_else_lists(cast, who):
    hazard = approved(cast)
    refused(lambda: listed(cast, hazard, actor=getattr(cast, who)), HazardForbidden)


def test_only_an_open_major_hazard_not_yet_listed(cast):
    refused(lambda: listed(cast, record(cast)))
    listing = listed(cast)
    assert "京110105督" in refused(lambda: listed(cast, listing.hazard), HazardConflict)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("deadline", ""),
        ("suspension", "some"),
        ("requirements", "  "),
        ("progress_interval_days", 0),
        ("progress_interval_days", "x"),
        ("listed_on", "2020-13-01"),
    ],
)
def test_bad_listing_input_names_its_field(cast, field, value):
    hazard = approved(cast)
    with pytest.raises(ServiceError) as caught:
        listed(cast, hazard, **{field: value})
    assert caught.value.field == field
    assert not SupervisionListing.objects.exists()


# --- the enterprise's steps -----------------------------------------------------------


def test_progress_reports_are_due_every_interval(cast):
    hazard = approved(cast, major(cast, found_on=today() - datetime.timedelta(days=30)))
    listing = listed(cast, hazard, listed_on=today() - datetime.timedelta(days=20))
    assert rules.next_progress_due(listing, 0) == today() - datetime.timedelta(days=5)
    assert rules.progress_overdue(listing, 0)
    refused(
        lambda: services.progress_report(actor=cast.district, listing=listing, text="x"),
        HazardForbidden,
    )
    refused(lambda: services.progress_report(actor=cast.enterprise, listing=listing, text=" "))
    services.progress_report(actor=cast.enterprise_staff, listing=listing, text="已停用油槽。")
    assert ListingProgress.objects.count() == 1
    assert rules.next_progress_due(listing, 1) == today() + datetime.timedelta(days=10)
    assert not rules.progress_overdue(listing, 1)
    assert audit_actions() == ["listing.list", "listing.report_progress"]


def test_the_evaluation_needs_its_report_as_pdf_or_image(cast):
    listing = listed(cast)

    def evaluate(*files, **overrides):
        values = {
            "by": "own_experts",
            "body_name": "企业专家组",
            "conclusion": "治理完成。",
            "evaluated_on": today(),
        }
        values.update(overrides)
        return services.evaluation_record(
            actor=cast.enterprise_staff, listing=listing, files=list(files), **values
        )

    text = SimpleUploadedFile("评估报告.pdf", b"not really a pdf")
    assert "PDF" in refused(lambda: evaluate(text))
    docx = SimpleUploadedFile("评估.docx", b"PK\x03\x04" + b"\x00" * 30)
    refused(lambda: evaluate(docx))
    refused(lambda: evaluate())
    refused(lambda: evaluate(pdf_file(), by="nobody"))
    refused(lambda: evaluate(pdf_file(), evaluated_on=today() + datetime.timedelta(days=1)))
    refused(lambda: evaluate(pdf_file(), body_name=""))
    assert not EvaluationFile.objects.exists()
    refused(
        lambda: services.evaluation_record(
            actor=cast.district,
            listing=listing,
            by="own_experts",
            body_name="x",
            conclusion="x",
            evaluated_on=today(),
            files=[pdf_file()],
        ),
        HazardForbidden,
    )
    evaluation = evaluate(
        SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.jpg", JPG), pdf_file()
    )
    assert sorted(evaluation.files.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
        "image/png",
    ]
    assert audit_actions() == ["listing.list", "listing.evaluate"]


def test_the_application_needs_an_evaluation_and_the_principal(cast):
    listing = listed(cast)
    message = refused(
        lambda: services.close_apply(actor=cast.enterprise, listing=listing, text="申请核销")
    )
    assert "evaluation" in message or "评估" in message
    evaluated(cast, listing)
    refused(
        lambda: services.close_apply(actor=cast.enterprise_staff, listing=listing, text="x"),
        HazardForbidden,
    )
    refused(lambda: services.close_apply(actor=cast.enterprise, listing=listing, text=""))
    application = services.close_apply(actor=cast.enterprise, listing=listing, text="申请核销")
    listing.refresh_from_db()
    assert listing.status == Status.CLOSE_APPLIED
    assert application.review_due == today() + datetime.timedelta(days=10)
    refused(
        lambda: services.close_apply(actor=cast.enterprise, listing=listing, text="again"),
        HazardConflict,
    )


def test_the_review_days_are_a_setting(cast, settings):
    settings.LISTING_REVIEW_DAYS = 5
    listing = applied(cast)
    assert listing.close_applications.get().review_due == today() + datetime.timedelta(days=5)


# --- the on-site review -----------------------------------------------------------------


def review(cast, listing, *, actor=None, reviewers=None, verdict="closed", **overrides):
    return services.close_review(
        actor=actor or cast.district,
        listing=listing,
        verdict=verdict,
        reviewers=reviewers if reviewers is not None else [cast.district, cast.district_staff],
        opinion=overrides.pop("opinion", "现场复查，隐患已消除，同意核销。"),
        **overrides,
    )


def test_two_officials_of_the_issuer_close_the_listing_and_the_hazard(cast):
    listing = applied(cast)
    hazard = listing.hazard
    before = hazard.status
    application = review(cast, listing)
    listing.refresh_from_db()
    hazard.refresh_from_db()
    assert listing.status == Status.CLOSED and listing.closed_on == today()
    assert hazard.status == Hazard.Status.CLOSED and hazard.closed_on == today()
    assert set(application.reviewers.all()) == {cast.district, cast.district_staff}
    assert application.verdict == "closed" and application.recorded_by == cast.district
    event = hazard.events.last()
    assert (event.move, event.from_status, event.to_status) == ("close", before, "closed")
    assert audit_actions() == [
        "listing.list",
        "listing.evaluate",
        "listing.apply_close",
        "listing.review_close",
    ]


def test_one_official_is_not_enough(cast):
    listing = applied(cast)
    message = refused(lambda: review(cast, listing, reviewers=[cast.district]))
    assert "2" in message
    refused(lambda: review(cast, listing, reviewers=[cast.district, cast.district]))
    assert CloseApplication.objects.get().verdict == ""
    assert listing.hazard.status != Hazard.Status.CLOSED


def test_reviewers_must_be_officials_of_the_issuing_office(cast):
    listing = applied(cast)
    message = refused(lambda: review(cast, listing, reviewers=[cast.district, cast.other_district]))
    assert "朝阳区人民政府" in message


@pytest.mark.parametrize("who", ["city", "other_district", "regulator", "enterprise", "street"])
def test_an_office_that_did_not_list_it_cannot_review(cast, who):
    listing = applied(cast)
    refused(lambda: review(cast, listing, actor=getattr(cast, who)), HazardForbidden)


def test_the_city_reviews_its_own_listing_with_its_officials(cast):
    listing = applied(cast, listed(cast, actor=cast.city))
    refused(lambda: review(cast, listing), HazardForbidden)
    other = second_official(cast, cast.city.organisation)
    review(cast, listing, actor=cast.city, reviewers=[cast.city, other])
    listing.refresh_from_db()
    assert listing.status == Status.CLOSED


def test_correction_sends_it_back_and_a_new_evaluation_is_needed(cast):
    listing = applied(cast)
    review(cast, listing, verdict="correction", opinion="报警装置未联动，责令改正。")
    listing.refresh_from_db()
    assert listing.status == Status.CORRECTION_ORDERED
    assert listing.hazard.status != Hazard.Status.CLOSED
    # The evaluation before the review does not count again.
    refused(lambda: services.close_apply(actor=cast.enterprise, listing=listing, text="再次申请"))
    evaluated(cast, listing)
    services.close_apply(actor=cast.enterprise, listing=listing, text="再次申请")
    listing.refresh_from_db()
    assert listing.status == Status.CLOSE_APPLIED
    assert listing.close_applications.count() == 2


def test_bad_review_input(cast):
    listing = applied(cast)
    refused(lambda: review(cast, listing, verdict="maybe"))
    refused(lambda: review(cast, listing, opinion=" "))
    refused(lambda: review(cast, listing, reviewed_on=today() + datetime.timedelta(days=1)))
    refused(lambda: review(cast, listing, reviewed_on=today() - datetime.timedelta(days=1)))


def test_a_review_before_any_application_is_a_conflict(cast):
    listing = listed(cast)
    refused(lambda: review(cast, listing), HazardConflict)


# --- the plain close move -------------------------------------------------------------


def test_a_listed_hazard_is_not_closed_by_the_plain_close_move(cast):
    hazard = approved(cast)
    ledger.perform(actor=cast.enterprise, hazard=hazard, move="start_treatment")
    ledger.perform(
        actor=cast.enterprise_staff,
        hazard=hazard,
        move="evaluate",
        comment="评估合格",
        completed_on=today(),
    )
    listing = listed(cast, hazard)
    hazard.refresh_from_db()
    assert "close" not in [t.name for t in moves_open_to(cast.district, hazard)]
    for who in (cast.district, cast.enterprise):
        message = refused(
            lambda who=who: ledger.perform(actor=who, hazard=hazard, move="close", comment="销号"),
            HazardConflict,
        )
        assert listing.number in message
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.EVALUATED
    evaluated(cast, listing)
    services.close_apply(actor=cast.enterprise, listing=listing, text="申请")
    review(cast, listing)
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED


def test_the_plan_must_be_approved_before_applying(cast):
    listing = evaluated(cast, listed(cast, major(cast)))
    message = refused(
        lambda: services.close_apply(actor=cast.enterprise, listing=listing, text="申请")
    )
    assert "plan" in message or "方案" in message
