"""Every URL that takes an id, for the identities that must not reach it.

The design rule (../shared/design.md, "Roles and scopes"): outside its scope
a user gets 404; inside it without the right role, 403. A pending or
rejected account sees its registration status and nothing else.

MATRIX names, for every pattern of portal.urls that takes an id, the object
it is tried on (one of each kind, built once: url_matrix_world.py) and the
identity that may use it. The resolver is walked and any id pattern missing
from MATRIX fails the suite, so a new page cannot skip this. Then, for every
entry, GET and a write attempt (each write in a savepoint that is rolled
back, so the next try sees the same data) by:

- the owner: 200 on GET (or, for write-only URLs, anything but 404), which
  proves the kwargs name a real object and the 404s below are not vacuous;
- the outsiders of each role kind (海淀区, 朝阳区's other street office, the
  construction regulator, the 海淀 enterprise, and more where the entry says
  so): 404, or a 403 that a
  missing id gets too (a role gate before the lookup reveals nothing);
- the pending and the rejected account: 403 or 404, never a write;
- anonymous visitors: the login page (pages) or 401/403 (API), unless the
  entry is public, with the reason;
- the non-admin staff member of 朝阳区: exactly what its admin gets, except
  for managing staff, where it gets 403.

A refused write changes nothing in the database (SQLite's change counter,
PostgreSQL's rows written in the transaction; on other databases the row
counts of every table).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from certification import engine
from certification.certificates import signing as verify
from tests.hazards.catalogue_world import catalogue_item
from tests.hazards.enforcement.matrix_world import matrix_order, matrix_tip_off
from tests.hazards.inspections.world import record_with_photo
from tests.hazards.ledger_world import hazard_with_photo
from tests.hazards.selfreports import matrix_world as selfreports
from tests.hazards.supervision.world import matrix_listing, matrix_receipt
from tests.portal.url_matrix_world import World, build_world
from tests.reporting.assessment.matrix_world import (
    matrix_bulletin,
    matrix_evidence,
    matrix_report,
    matrix_run,
    matrix_scheme,
)
from tests.url_routes import NOT_IDS, Route, uncovered, walk

OUTSIDERS = ("other_district", "other_street", "other_regulator", "other_enterprise")
UNMANAGED = ("district", "regulator", "group", "enterprise", "other_enterprise")
NOBODY_ELSE = ("city", "district", "regulator", "reviewer", "group", "other_enterprise")
MISSING_ID = 2_000_000_000
T = TypeVar("T")
# The Django admin is one gate for all its pages (portal.admin.CityOfficeAdminSite):
# test_the_django_admin_is_for_the_city_office_only tries each of its id URLs.
WHOLE_PREFIXES = {"admin/": "the Django admin: the city office only, checked as a whole"}


@dataclass(frozen=True)
class Entry:
    """How to reach one object through a URL, and who may."""

    kwargs: Callable[[World], dict]
    owner: str  # may use it: GET 200 or its write reaches
    outsiders: tuple[str, ...] = OUTSIDERS  # 404 (or a role gate's 403)
    data: Callable[[World], dict] | None = None  # body of the write attempts
    public: str = ""  # why anyone may read it without logging in
    admin_only: bool = False  # managing staff: a staff member gets 403
    owner_gets: int = 200  # 302: the page sends its owner on to a job
    personal: str = ""  # why it is one user's, not the organisation's


def app(w):
    return {"pk": w.application.pk}


def app_and(name, value):
    return lambda w: {"pk": w.application.pk, name: value(w)}


def cert(w):
    return {"pk": w.certificate.pk}


def announcement(w):
    return {"pk": w.announcement.pk}


def ent(w):
    return {"pk": w.cast.ent.pk}


def assessment(w):
    return {"pk": w.assessment.pk}


def unit(w):
    return {"pk": w.reviewer.unit_id}


def disqualification_proposal(w):
    """A pending proposal on the cast's review unit (made once, by the association)."""
    from reviews.models import DisqualificationProposal

    proposal, _ = DisqualificationProposal.objects.get_or_create(
        unit_id=w.reviewer.unit_id,
        status="pending",
        defaults={
            "reason": "抽查不合格",
            "evidence": "抽查记录",
            "failed_spot_checks": 0,
            "proposed_by": w.cast.association,
            "proposer": w.cast.association.organisation,
        },
    )
    return proposal.pk


def version(w):
    return {"pk": w.version.pk}


def row_of(w):
    return w.review_row.pk


def finding_of(w):
    return w.finding.pk


def own_evidence(w):
    """An evidence file of the application's own self-assessment (the one the
    reviewers' sheet shows beside its answers), made from the world's file."""
    from reviews.models import Evidence

    source = w.evidence
    evidence, _ = Evidence.objects.get_or_create(
        row=w.application.assessment.rows.order_by("pk").first(),
        original_name=source.original_name,
        defaults={
            "file": source.file.name,
            "content_type": source.content_type,
            "size": source.size,
            "sha256": source.sha256,
            "uploaded_by": source.uploaded_by,
        },
    )
    return evidence.pk


def first_element(w):
    return {"pk": w.assessment.pk, "element_id": w.assessment.version.elements.first().pk}


def first_a_element(w):
    elements = w.assessment.version.elements.filter(parent=None).order_by("position")
    return {"pk": w.assessment.pk, "element_id": elements.first().pk}


def deduction_photo(w):
    return w.review_files["deduction photo"]


def reviewer_body(w):
    return {"reviewer": w.reviewer.pk}


def hazard(w):
    return {"pk": hazard_with_photo(w.cast)[0].pk}


def hazard_and(name, value):
    def kwargs(w):
        found = hazard_with_photo(w.cast)
        return {"pk": found[0].pk, name: value(w, found)}

    return kwargs


def inspection(what):
    """The URL kwargs of cast.ent's inspection record with a photo (its plan, the
    record, its first item, the photo)."""

    def kwargs(w):
        record, photo = record_with_photo(w.cast)
        return {
            "plan": {"pk": record.plan_id},
            "record": {"pk": record.pk},
            "result": {"pk": record.pk, "result_id": photo.result_id},
            "photo": {"pk": record.pk, "photo_id": photo.pk},
        }[what]

    return kwargs


# The objects of listed supervision's URLs (tests/hazards/supervision/world.py).
SUPERVISION = {
    "hazard": lambda w: {"pk": matrix_listing(w.cast).hazard_id},
    "listing": lambda w: {"pk": matrix_listing(w.cast).pk},
    "receipt": lambda w: {"pk": matrix_receipt(w.cast).pk},
    "file": lambda w: {
        "pk": matrix_listing(w.cast).pk,
        "file_id": matrix_listing(w.cast).evaluations.get().files.get().pk,
    },
}


def target(w):
    from reporting.models import Target

    return {"pk": Target.objects.order_by("pk").values_list("pk", flat=True).first()}


def feed_client(w):
    """A feed client of the city office (made once)."""
    from reporting.standing.feeds.clients import create_client
    from reporting.standing.models import FeedClient

    found = FeedClient.objects.order_by("pk").first()
    if found is None:
        found, _token = create_client(
            actor=w.cast.city,
            name="征信中心",
            kind="credit",
            scopes=["status"],
            regions=[],
            rate_limit="60/min",
        )
    return {"pk": found.pk}


NOT_GOVERNMENT = ("other_enterprise", "reviewer", "group")
NOT_CITY = ("district", "other_district", "regulator", *NOT_GOVERNMENT)


MATRIX: dict[str, Entry] = {
    # --- accounts, organisations, staff, notifications
    "password_reset_confirm": Entry(
        lambda w: {"uidb64": "MQ", "token": "set-password"},
        owner="city",
        public="the invitation link: the signed token is the credential; a wrong one "
        "shows the same invalid-link page for every id",
    ),
    "organisation_edit": Entry(lambda w: {"pk": w.cast.enterprise.organisation_id}, "city"),
    "staff_update": Entry(
        lambda w: {"pk": w.cast.district.pk},
        "district",
        outsiders=("city", *OUTSIDERS),
        admin_only=True,
    ),
    "notification_read": Entry(
        lambda w: {"pk": w.notification.pk},
        "enterprise",
        outsiders=("enterprise_staff", "city", *OUTSIDERS),
    ),
    # --- the enterprise registry
    "enterprises:detail": Entry(ent, "district"),
    "enterprises:edit": Entry(ent, "district"),
    "enterprises:accident_add": Entry(ent, "district"),
    "enterprises:accident_finding": Entry(
        lambda w: {"pk": w.cast.ent.pk, "accident_id": w.accident.pk}, "district"
    ),
    "enterprises:dishonesty": Entry(ent, "district"),
    "enterprises:registration_decide": Entry(lambda w: {"pk": w.registration.pk}, "district"),
    "enterprises:import_job": Entry(
        lambda w: {"pk": w.import_job.pk},
        "district",
        outsiders=("regulator", "association", *OUTSIDERS),
    ),
    "enterprises:import_job_commit": Entry(
        lambda w: {"pk": w.import_job.pk},
        "district",
        outsiders=("regulator", "association", *OUTSIDERS),
    ),
    # --- applications: pages
    "certification:detail": Entry(app, "district"),
    "certification:act": Entry(
        lambda w: {"pk": w.application.pk, "transition": "verify"}, "district"
    ),
    "certification:declaration": Entry(app, "enterprise"),
    "certification:assign": Entry(app, "district"),
    "certification:sign": Entry(app, "reviewer", data=reviewer_body),
    "certification:material_upload": Entry(app, "enterprise"),
    "certification:material_download": Entry(
        app_and("material_id", lambda w: w.material.pk), "district"
    ),
    "certification:review": Entry(app, "district"),
    "certification:review_element": Entry(
        app_and("element_id", lambda w: w.review_row.criterion.a_element_id), "district"
    ),
    "certification:review_row": Entry(app_and("row_id", row_of), "reviewer"),
    "certification:review_row_finding": Entry(app_and("row_id", row_of), "reviewer"),
    "certification:review_confirm": Entry(
        app, "reviewer", data=lambda w: {"row": [w.review_row.pk]}
    ),
    "certification:review_evidence": Entry(app_and("evidence_id", own_evidence), "district"),
    "certification:review_findings": Entry(app, "district"),
    "certification:review_finding_photos": Entry(app_and("finding_id", finding_of), "reviewer"),
    "certification:review_finding_delete": Entry(app_and("finding_id", finding_of), "reviewer"),
    "certification:review_finding_hazard": Entry(app_and("finding_id", finding_of), "reviewer"),
    "certification:review_file": Entry(app_and("file_id", deduction_photo), "district"),
    "certification:review_report": Entry(app, "district"),
    "certification:review_sign": Entry(app, "reviewer", data=reviewer_body),
    "certification:review_report_pdf": Entry(app, "district", owner_gets=302),
    "certification:pdf_job": Entry(
        lambda w: {"job_id": w.pdf_job.pk},
        "district",
        outsiders=("city", "district_staff", *OUTSIDERS),
        personal="a PDF job is its requester's (the report was rendered for that user)",
    ),
    "certification:pdf_job_download": Entry(
        lambda w: {"job_id": w.pdf_job.pk},
        "district",
        outsiders=("city", "district_staff", *OUTSIDERS),
        personal="a PDF job is its requester's (the report was rendered for that user)",
    ),
    "certification:rectification_evidence": Entry(app, "enterprise"),
    "certification:verification_batch": Entry(
        lambda w: {"batch_id": w.verification_batch.pk}, "district"
    ),
    "certification:spot_check_record": Entry(lambda w: {"check_id": w.spot_check.pk}, "district"),
    "certification:verification_batch_approve": Entry(
        lambda w: {"batch_id": w.verification_batch.pk}, "district"
    ),
    # --- publicity, announcements, certificates (level 2: its grading authority,
    # the regulator, publishes, announces and changes them)
    "certification:objection_resolve": Entry(lambda w: {"pk": w.objection.pk}, "regulator"),
    "certification:announcement_pdfs": Entry(announcement, "regulator"),
    "certification:announcement_pdfs_retry": Entry(announcement, "regulator"),
    "certification:certificate_download": Entry(
        lambda w: {"pk": w.certificate.pk, "kind": "pdf"}, "enterprise"
    ),
    "certification:lifecycle_certificate": Entry(cert, "regulator"),
    "certification:lifecycle_act": Entry(
        lambda w: {"pk": w.certificate.pk, "action": "suspend"}, "regulator"
    ),
    "certification:lifecycle_annual_acknowledge": Entry(
        lambda w: {"pk": w.certificate.pk, "row_id": w.certificate.annual_assessments.first().pk},
        "regulator",
    ),
    "public:publicity_detail": Entry(
        lambda w: {"pk": w.publicity_batch.pk},
        "city",
        public="publicity is public by law (公示): the list and objection form",
    ),
    "public:announcement_detail": Entry(
        announcement, "city", public="announcements (公告) are public"
    ),
    "verify:payload": Entry(
        lambda w: {"payload": verify.payload_for(w.certificate)},
        "city",
        public="the certificate's QR code: anyone checks a certificate by its signed number",
    ),
    # --- self-assessments and standards
    "certification:assessment_pdf": Entry(assessment, "district", owner_gets=302),
    "assessments:detail": Entry(assessment, "enterprise"),
    "assessments:team": Entry(assessment, "enterprise"),
    "assessments:submit": Entry(assessment, "enterprise"),
    "assessments:element_na": Entry(first_element, "enterprise"),
    "assessments:element_rows": Entry(first_a_element, "enterprise"),
    "assessments:print": Entry(assessment, "enterprise"),
    "assessments:row": Entry(
        lambda w: {"pk": w.assessment.pk, "row_id": w.assessment_row.pk}, "enterprise"
    ),
    "assessments:evidence_upload": Entry(
        lambda w: {"pk": w.assessment.pk, "row_id": w.assessment_row.pk}, "enterprise"
    ),
    "assessments:evidence": Entry(
        lambda w: {"pk": w.assessment.pk, "evidence_id": w.evidence.pk}, "enterprise"
    ),
    "standards:version": Entry(version, "city"),
    "standards:export_xlsx": Entry(version, "city"),
    "standards:export_yaml": Entry(version, "city"),
    "standards:publish": Entry(version, "city"),
    "standards:retire": Entry(version, "city"),
    # --- review units (managed by the association and the city office)
    "review_bodies:detail": Entry(unit, "association", outsiders=UNMANAGED),
    "review_bodies:status": Entry(unit, "association", outsiders=UNMANAGED),
    "review_bodies:reviewer_add": Entry(unit, "association", outsiders=UNMANAGED),
    "review_bodies:reviewer_edit": Entry(
        lambda w: {"pk": w.reviewer.unit_id, "reviewer_pk": w.reviewer.pk},
        "association",
        outsiders=UNMANAGED,
    ),
    "review_bodies:reviewer_active": Entry(
        lambda w: {"pk": w.reviewer.unit_id, "reviewer_pk": w.reviewer.pk},
        "association",
        outsiders=UNMANAGED,
    ),
    "review_bodies:conflict_add": Entry(unit, "association", outsiders=UNMANAGED),
    "review_bodies:disqualification_propose": Entry(unit, "association", outsiders=UNMANAGED),
    "review_bodies:disqualification_decide": Entry(
        lambda w: {"proposal_pk": disqualification_proposal(w)}, "regulator"
    ),
    "review_bodies:conflict_end": Entry(
        lambda w: {"pk": w.reviewer.unit_id, "conflict_pk": w.conflict.pk},
        "association",
        outsiders=UNMANAGED,
    ),
    # --- API: accounts and reference data
    "api-organisation-detail": Entry(
        lambda w: {"pk": w.cast.enterprise.organisation_id},
        "district",
        outsiders=("regulator", *OUTSIDERS),
    ),
    "api-user-detail": Entry(
        lambda w: {"pk": w.cast.district.pk},
        "district",
        outsiders=("regulator", "enterprise", *OUTSIDERS),
    ),
    "api-user-activate": Entry(
        lambda w: {"pk": w.cast.district.pk},
        "district",
        outsiders=("regulator", "enterprise", *OUTSIDERS),
        admin_only=True,
    ),
    "api-user-deactivate": Entry(
        lambda w: {"pk": w.cast.district.pk},
        "district",
        outsiders=("regulator", "enterprise", *OUTSIDERS),
        admin_only=True,
    ),
    # Reference data: every acting user reads it (no outsiders).
    "api-region-detail": Entry(
        lambda w: {"pk": w.cast.chaoyang.pk}, "other_enterprise", outsiders=()
    ),
    "api-region-streets": Entry(
        lambda w: {"pk": w.cast.chaoyang.pk}, "other_enterprise", outsiders=()
    ),
    "api-industry-detail": Entry(
        lambda w: {"pk": w.cast.ent.industry_id}, "other_enterprise", outsiders=()
    ),
    "api-standard-detail": Entry(
        lambda w: {"code": w.version.standard.code}, "other_enterprise", outsiders=()
    ),
    "api-standard-version-detail": Entry(version, "other_enterprise", outsiders=()),
    # The major-hazard catalogues: published regulations, read by every logged-in user.
    "hazards:catalogue_version": Entry(
        lambda w: {"pk": catalogue_item().version_id}, "other_enterprise", outsiders=()
    ),
    "api-hazard-catalogue-detail": Entry(
        lambda w: {"code": catalogue_item().version.catalogue.code},
        "other_enterprise",
        outsiders=(),
    ),
    "api-hazard-catalogue-item-detail": Entry(
        lambda w: {"pk": catalogue_item().pk}, "other_enterprise", outsiders=()
    ),
    # The hazard ledger: whoever oversees the enterprise reads; its own users act.
    **{
        name: Entry(hazard, owner)
        for name, owner in (
            ("hazards:detail", "district"),
            ("hazards:extend", "enterprise"),
            ("hazards:photo_upload", "enterprise"),
            ("api-hazard-detail", "district"),
            ("api-hazard-extend", "enterprise"),
            ("api-hazard-photos", "enterprise"),
        )
    },
    "hazards:act": Entry(hazard_and("transition", lambda w, h: "start"), "enterprise"),
    "api-hazard-move": Entry(hazard_and("transition", lambda w, h: "start"), "enterprise"),
    "hazards:photo": Entry(hazard_and("photo_id", lambda w, h: h[1].pk), "district"),
    "api-hazard-photo": Entry(hazard_and("photo_id", lambda w, h: h[1].pk), "district"),
    # Government inspections: whoever oversees the enterprise reads; the issuing office
    # (朝阳区) reviews. Tip-offs: the receiving office (建外街道) only, 404 for all others.
    **{
        name: Entry(lambda w: {"pk": matrix_order(w.cast).pk}, "district")
        for name in (
            "hazards:enforcement:inspection",
            "hazards:enforcement:inspection_review",
            "api-government-inspection-detail",
            "api-government-inspection-review",
        )
    },
    **{
        name: Entry(
            lambda w: {"pk": matrix_tip_off(w.cast).pk},
            "street",
            outsiders=("city", "district", "regulator", "group", "enterprise", *OUTSIDERS),
        )
        for name in (
            "hazards:enforcement:tip_off",
            "hazards:enforcement:tip_off_confirm",
            "hazards:enforcement:tip_off_dismiss",
            "api-tip-off-detail",
            "api-tip-off-confirm",
            "api-tip-off-dismiss",
        )
    },
    # Self-reports: drafts are the enterprise's; the street office receives its forms.
    **{
        name: Entry(lambda w: {"pk": selfreports.submitted_report(w.cast).pk}, owner)
        for name, owner in (
            ("hazards:selfreports:detail", "street"),
            ("hazards:selfreports:correct", "enterprise"),
            ("hazards:selfreports:acknowledge", "street"),
            ("hazards:selfreports:return", "street"),
            ("api-self-report-detail", "district"),
            ("api-self-report-correct", "enterprise"),
            ("api-self-report-acknowledge", "street"),
            ("api-self-report-return", "street"),
        )
    },
    **{
        name: Entry(lambda w: {"pk": selfreports.draft_report(w.cast).pk}, "enterprise")
        for name in (
            "hazards:selfreports:edit",
            "hazards:selfreports:submit",
            "api-self-report-save",
            "api-self-report-submit",
        )
    },
    **{
        name: Entry(lambda w: {"pk": selfreports.frozen_table(w.cast).pk}, "district")
        for name in (
            "hazards:selfreports:table",
            "hazards:selfreports:table_xlsx",
            "api-quarterly-table-detail",
            "api-quarterly-table-xlsx",
        )
    },
    # A major hazard's report and plan, and its listed supervision (挂牌督办): whoever
    # oversees the enterprise reads; the enterprise writes; the district lists and reviews.
    **{
        name: Entry(SUPERVISION[kind], owner)
        for name, kind, owner in (
            ("hazards:supervision:report", "hazard", "district"),
            ("hazards:supervision:report_submit", "hazard", "enterprise"),
            ("hazards:supervision:plan", "hazard", "district"),
            ("hazards:supervision:new", "hazard", "district"),
            ("hazards:supervision:acknowledge", "receipt", "district"),
            ("hazards:supervision:detail", "listing", "district"),
            ("hazards:supervision:notice", "listing", "district"),
            ("hazards:supervision:progress", "listing", "enterprise"),
            ("hazards:supervision:evaluate", "listing", "enterprise"),
            ("hazards:supervision:apply", "listing", "enterprise"),
            ("hazards:supervision:review", "listing", "district"),
            ("hazards:supervision:file", "file", "district"),
            ("api-hazard-major-report-detail", "hazard", "district"),
            ("api-hazard-major-report-submit", "hazard", "enterprise"),
            ("api-hazard-major-report-acknowledge", "hazard", "district"),
            ("api-hazard-treatment-plan-detail", "hazard", "district"),
            ("api-hazard-listing-detail", "listing", "district"),
            ("api-hazard-listing-notice", "listing", "district"),
            ("api-hazard-listing-progress", "listing", "enterprise"),
            ("api-hazard-listing-evaluations", "listing", "enterprise"),
            ("api-hazard-listing-apply-close", "listing", "enterprise"),
            ("api-hazard-listing-review", "listing", "district"),
            ("api-hazard-listing-file", "file", "district"),
        )
    },
    # Inspection plans and records: whoever oversees the enterprise reads; its users write.
    **{
        name: Entry(inspection(value), owner)
        for name, value, owner in (
            ("hazards:inspections:plan", "plan", "district"),
            ("hazards:inspections:plan_edit", "plan", "enterprise"),
            ("hazards:inspections:plan_deactivate", "plan", "enterprise"),
            ("hazards:inspections:record_new", "plan", "enterprise"),
            ("hazards:inspections:record", "record", "district"),
            ("hazards:inspections:result", "result", "enterprise"),
            ("hazards:inspections:confirm", "record", "enterprise"),
            ("hazards:inspections:complete", "record", "enterprise"),
            ("hazards:inspections:photo", "photo", "district"),
            ("api-inspection-plan-detail", "plan", "district"),
            ("api-inspection-plan-deactivate", "plan", "enterprise"),
            ("api-inspection-record-detail", "record", "district"),
            ("api-inspection-record-result", "result", "enterprise"),
            ("api-inspection-record-result-photos", "result", "enterprise"),
            ("api-inspection-record-photo", "photo", "district"),
            ("api-inspection-record-confirm", "record", "enterprise"),
            ("api-inspection-record-complete", "record", "enterprise"),
        )
    },
    # --- API: the registry
    "api-enterprise-detail": Entry(ent, "district"),
    "api-enterprise-accidents": Entry(ent, "district"),
    "api-enterprise-accident-finding": Entry(
        lambda w: {"pk": w.cast.ent.pk, "accident_id": w.accident.pk}, "district"
    ),
    "api-enterprise-preconditions": Entry(ent, "district"),
    "api-enterprise-dishonesty": Entry(ent, "district"),
    # --- API: self-assessments
    "api-assessment-detail": Entry(assessment, "enterprise"),
    "api-assessment-rows": Entry(assessment, "enterprise"),
    "api-assessment-row": Entry(
        lambda w: {"pk": w.assessment.pk, "row_id": w.assessment_row.pk}, "enterprise"
    ),
    "api-assessment-answers": Entry(assessment, "enterprise"),
    "api-assessment-submit": Entry(assessment, "enterprise"),
    "api-assessment-row-evidence": Entry(
        lambda w: {"pk": w.assessment.pk, "row_id": w.assessment_row.pk}, "enterprise"
    ),
    "api-assessment-evidence-download": Entry(
        lambda w: {"pk": w.assessment.pk, "evidence_id": w.evidence.pk}, "enterprise"
    ),
    # --- API: applications, their moves, materials and on-site review
    "api-application-detail": Entry(app, "district"),
    "api-application-material": Entry(app_and("material_id", lambda w: w.material.pk), "district"),
    "api-application-materials": Entry(app, "enterprise"),
    "api-application-suggestions": Entry(app, "district"),
    "api-application-review": Entry(app, "district"),
    "api-application-review-row": Entry(app_and("row_id", row_of), "reviewer"),
    "api-application-review-row-findings": Entry(app_and("row_id", row_of), "reviewer"),
    "api-application-review-confirm": Entry(
        app, "reviewer", data=lambda w: {"rows": [w.review_row.pk]}
    ),
    "api-application-review-findings": Entry(app, "reviewer"),
    "api-application-review-finding": Entry(app_and("finding_id", finding_of), "reviewer"),
    "api-application-review-photos": Entry(app_and("finding_id", finding_of), "reviewer"),
    "api-application-review-finding-hazard": Entry(app_and("finding_id", finding_of), "reviewer"),
    "api-application-hazard-brief": Entry(app, "reviewer"),
    "api-application-review-file": Entry(app_and("file_id", deduction_photo), "district"),
    "api-application-review-report": Entry(app, "reviewer"),
    "api-application-review-sign": Entry(app, "reviewer", data=reviewer_body),
    "api-application-review-evidence": Entry(app, "enterprise"),
    **{
        f"api-application-{move}": Entry(app, "district")
        for move in (
            "accept",
            "assign",
            "close-not-reached",
            "forward-national",
            "record-national-result",
            "reject",
            "request-rectification",
            "return",
            "send-back",
            "start-review",
            "verify",
            "verify-lower",
            "approve",  # 朝阳区 is also level 3's grading authority
            "return-to-organiser",
            "refuse-grade",
            "withdraw-assignment",
            "withdraw-from-publicity",
            "declaration-sign",
            "submit-report",
        )
    },
    **{
        f"api-application-{move}": Entry(app, "enterprise")
        for move in ("submit", "resubmit", "submit-rectification", "withdraw", "consent-lower")
    },
    # --- API: verification, publicity, announcements, certificates
    "api-verification-batch-detail": Entry(
        lambda w: {"pk": w.verification_batch.pk},
        "district",
        outsiders=("regulator", "group", "enterprise", *OUTSIDERS),
    ),
    "api-verification-batch-approve": Entry(
        lambda w: {"pk": w.verification_batch.pk},
        "district",
        outsiders=("regulator", "group", "enterprise", *OUTSIDERS),
    ),
    "api-spot-check-detail": Entry(lambda w: {"pk": w.spot_check.pk}, "district"),
    "api-spot-check-record": Entry(lambda w: {"pk": w.spot_check.pk}, "district"),
    "api-publicity-batch-detail": Entry(
        lambda w: {"pk": w.publicity_batch.pk}, "regulator", outsiders=("district", *OUTSIDERS)
    ),
    "api-objection-resolve": Entry(
        lambda w: {"pk": w.objection.pk}, "regulator", outsiders=("district", *OUTSIDERS)
    ),
    "api-announcement-detail": Entry(announcement, "regulator", outsiders=("district", *OUTSIDERS)),
    "api-announcement-pdfs": Entry(announcement, "regulator", outsiders=("district", *OUTSIDERS)),
    "api-announcement-pdfs-retry": Entry(
        announcement, "regulator", outsiders=("district", *OUTSIDERS)
    ),
    "api-public-announcement-detail": Entry(
        announcement, "city", public="announcements (公告) are public"
    ),
    "api-certificate-detail": Entry(cert, "regulator"),
    "api-certificate-history": Entry(cert, "regulator"),
    "api-certificate-annual-acknowledge": Entry(
        lambda w: {"pk": w.certificate.pk, "row_id": w.certificate.annual_assessments.first().pk},
        "regulator",
    ),
    "api-certificate-pdf": Entry(cert, "enterprise"),
    "api-certificate-plaque": Entry(cert, "enterprise"),
    **{
        f"api-certificate-{change}": Entry(cert, "regulator")
        for change in ("keep", "suspend", "reinstate", "revoke")
    },
    # --- API: review units
    "api-review-unit-detail": Entry(unit, "association", outsiders=UNMANAGED),
    "api-review-unit-status": Entry(unit, "association", outsiders=UNMANAGED),
    "api-reviewer-detail": Entry(
        lambda w: {"pk": w.reviewer.pk}, "association", outsiders=UNMANAGED
    ),
    "api-reviewer-deactivate": Entry(
        lambda w: {"pk": w.reviewer.pk}, "association", outsiders=UNMANAGED
    ),
    "api-reviewer-reactivate": Entry(
        lambda w: {"pk": w.reviewer.pk}, "association", outsiders=UNMANAGED
    ),
    "api-conflict-detail": Entry(
        lambda w: {"pk": w.conflict.pk}, "association", outsiders=UNMANAGED
    ),
    "api-conflict-end": Entry(lambda w: {"pk": w.conflict.pk}, "association", outsiders=UNMANAGED),
    "api-disqualification-proposal-detail": Entry(
        lambda w: {"pk": disqualification_proposal(w)}, "regulator"
    ),
    "api-disqualification-proposal-decide": Entry(
        lambda w: {"pk": disqualification_proposal(w)}, "regulator"
    ),
    # --- feed clients of incentive and restriction bodies: the city office manages them
    "standing:feed_client_revoke": Entry(feed_client, "city", outsiders=NOT_CITY),
    # --- targets: every government office reads (its own figures); the city office writes
    **{
        name: Entry(target, "city", outsiders=outsiders)
        for name, outsiders in (
            ("targets:detail", NOT_GOVERNMENT),
            ("targets:export", NOT_GOVERNMENT),
            ("targets:edit", NOT_CITY),
            ("targets:retire", NOT_CITY),
            ("api-target-detail", NOT_GOVERNMENT),
            ("api-target-not-reached", NOT_GOVERNMENT),
            ("api-target-export", NOT_GOVERNMENT),
            ("api-target-retire", NOT_CITY),
            # the same viewset, also under the statistics
            ("api-statistics-target-detail", NOT_GOVERNMENT),
            ("api-statistics-target-not-reached", NOT_GOVERNMENT),
            ("api-statistics-target-export", NOT_GOVERNMENT),
            ("api-statistics-target-retire", NOT_CITY),
        )
    },
    # --- assessment reports: 朝阳区's draft (the assessed unit reads and comments, the
    # city office assesses); other districts, street offices and regulators see nothing
    **{
        name: Entry(matrix_report, owner, outsiders=(*OUTSIDERS, *NOT_GOVERNMENT, *more))
        for name, owner, more in (
            ("assessment:report", "district", ("street", "regulator")),
            ("assessment:report_pdf", "district", ("street", "regulator")),
            ("assessment:report_xlsx", "district", ("street", "regulator")),
            ("assessment:report_comment", "district", ("street", "regulator")),
            ("assessment:report_manual", "city", ("street", "regulator")),
            ("assessment:report_finalise", "city", ("street", "regulator")),
            ("assessment:report_publish", "city", ("street", "regulator")),
            ("api-assessment-report-detail", "district", ("street", "regulator")),
            ("api-assessment-report-comment", "district", ("street", "regulator")),
            ("api-assessment-report-finalise", "city", ("street", "regulator")),
        )
    },
    "assessment:run_detail": Entry(matrix_run, "city", outsiders=(*NOT_CITY, "street", *OUTSIDERS)),
    "api-assessment-run-detail": Entry(
        matrix_run, "city", outsiders=(*NOT_CITY, "street", *OUTSIDERS)
    ),
    "assessment:report_evidence": Entry(
        matrix_evidence, "district", outsiders=(*OUTSIDERS, *NOT_GOVERNMENT, "street", "regulator")
    ),
    "assessment:bulletin": Entry(matrix_bulletin, "district", outsiders=NOT_GOVERNMENT),
    "assessment:scheme": Entry(
        matrix_scheme, "city", outsiders=(*NOT_GOVERNMENT, "street", "regulator", "other_street")
    ),
}

# --------------------------------------------------------------------------
# Fetching


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end
    (each test's own savepoint nests in it)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # thousands of expected 403/404 warnings
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()
            quiet.setLevel(level)


@pytest.fixture(scope="module")
def clients(world, django_db_blocker) -> dict[str, Client]:
    """One client per identity (sessions in the module's transaction)."""
    logged_in = {"anonymous": Client()}
    with django_db_blocker.unblock():
        for name in (
            "city",
            "district",
            "district_staff",
            "other_district",
            "street",
            "other_street",
            "regulator",
            "other_regulator",
            "association",
            "reviewer",
            "group",
            "enterprise",
            "enterprise_staff",
            "other_enterprise",
            "pending",
            "rejected",
        ):
            client = Client()
            client.force_login(getattr(world.cast, name))
            logged_in[name] = client
    return logged_in


class _Rollback(Exception):
    pass


def _fingerprint():
    """Changes to the database so far: SQLite counts every row written, PostgreSQL
    every row inserted, updated or deleted in this transaction (one query, where
    counting every table's rows took two hundred for each write); other databases
    get the row count of every table (every write is audited)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_all_tables"
            )
            return cursor.fetchone()
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
        )
        return cursor.fetchone()


def _drain(response):
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # the client closes the file after
    return response


def get(client: Client, url: str) -> int:
    return _drain(client.get(url)).status_code


def status_of_write(client: Client, method: str, url: str, data: dict) -> int:
    return write(client, method, url, data)[0]


def write(client: Client, method: str, url: str, data: dict) -> tuple[int, bool]:
    """The write attempt's status and whether it changed the database; always
    rolled back."""
    send = getattr(client, method)
    wrote = False
    try:
        with transaction.atomic():
            before = _fingerprint()
            if method == "post":
                response = _drain(send(url, data))
            else:
                response = _drain(send(url, data, content_type="application/json"))
            wrote = _fingerprint() != before
            raise _Rollback
    except _Rollback:
        pass
    return response.status_code, wrote


@functools.cache
def routes() -> dict[str, Route]:
    return {route.key: route for route in walk() if route.name}


def write_methods(key: str) -> list[str]:
    """The write methods a pattern's view answers: a DRF view's own; a
    Django view is tried with POST."""
    callback = routes()[key].callback
    actions = getattr(callback, "actions", None)
    if actions:
        methods = set(actions)
    elif hasattr(callback, "cls"):
        methods = {m for m in ("post", "put", "patch", "delete") if hasattr(callback.cls, m)}
    else:
        methods = {"post"}
    return sorted(methods & {"post", "put", "patch", "delete"}) or ["post"]


# What one test works out again and again (an entry's URLs, whose kwargs functions query
# and may create objects in the test's savepoint; the owner's answer beside each outsider's),
# kept for the test only.
_per_test: dict[tuple, Any] = {}


@pytest.fixture(autouse=True)
def _forget_per_test():
    _per_test.clear()
    yield
    _per_test.clear()


def once(*key: object, work: Callable[[], T]) -> T:
    if key not in _per_test:
        _per_test[key] = work()
    return _per_test[key]


def urls_of(key: str, entry: Entry, world: World) -> tuple[str, str]:
    """The entry's URL, and the same with every id replaced by one that does not exist."""
    return once("urls", key, work=lambda: _urls_of(key, entry, world))


def _urls_of(key: str, entry: Entry, world: World) -> tuple[str, str]:
    kwargs = entry.kwargs(world)
    missing = {
        name: (MISSING_ID if name not in NOT_IDS else value) for name, value in kwargs.items()
    }
    if key == "verify:payload":
        missing["payload"] = "X" * 40
    return reverse(key, kwargs=kwargs), reverse(key, kwargs=missing)


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def refusals_of_anonymous(url: str) -> set[int]:
    return {401, 403} if is_api(url) else {302}


# --------------------------------------------------------------------------
# The guard: no id pattern outside the matrix


def test_no_url_that_takes_an_id_is_missing_from_the_matrix():
    missing = uncovered(walk(), MATRIX, WHOLE_PREFIXES)
    assert not missing, (
        "URL patterns that take an id and are not in MATRIX "
        "(tests/portal/test_url_matrix.py):\n" + "\n".join(missing)
    )
    stale = sorted(set(MATRIX) - set(routes()))
    assert not stale, f"MATRIX entries for URL names that no longer exist: {stale}"


def test_the_guard_reports_a_new_id_url_without_an_entry():
    """A page added tomorrow with an id, under a path converter, a DRF
    router's regex group or a custom name, is reported; one without an id,
    or with only a fixed word, is not."""
    new = [
        Route("reports/<int:pk>/", "reporting:report", ("pk",)),
        Route("api/v1/^reports/(?P<pk>[^/.]+)/$", "api-report-detail", ("pk",)),
        Route("verify/<str:number>/", None, ("number",)),
        Route("reports/", "reporting:list", ()),
        Route("reports/<slug:action>/", "reporting:act", ("action",)),
    ]
    missing = uncovered(new, MATRIX, WHOLE_PREFIXES)
    assert missing == sorted(
        [
            "reporting:report  (reports/<int:pk>/: pk)",
            "api-report-detail  (api/v1/^reports/(?P<pk>[^/.]+)/$: pk)",
            "verify/<str:number>/  (verify/<str:number>/: number)",
        ]
    )
    # The walk itself finds the patterns that come from includes and routers.
    keys = {route.key for route in walk()}
    assert {
        "certification:review_file",
        "api-application-review-file",
        "api-assessment-row",
        "assessments:evidence",
    } <= keys


# --------------------------------------------------------------------------
# The matrix


def test_every_entry_names_a_real_object_its_owner_reaches(world, clients, db):
    """Otherwise the 404s below would prove nothing."""
    wrong = []
    for key, entry in MATRIX.items():
        url, _ = urls_of(key, entry, world)
        client = clients[entry.owner]
        status = get(client, url)
        if status == 405:  # write-only: its write must find the object
            data = entry.data(world) if entry.data else {}
            status = min(write(client, method, url, data)[0] for method in write_methods(key))
            if status == 404:
                wrong.append(f"{key} {url}: its owner {entry.owner}'s write gets 404")
        elif status != entry.owner_gets:
            wrong.append(f"{key} {url}: its owner {entry.owner} gets {status}")
    assert not wrong, "\n".join(wrong)


def _refused(key, entry, world, clients, who, allowed: set[int]) -> list[str]:
    """GET and every write of the entry by ``who``: a status in ``allowed``,
    a 403 only where a missing id gets 403 too (unless 403 is allowed), 405
    only where the owner gets 405 as well, and no write."""
    url, missing_url = urls_of(key, entry, world)
    client, owner = clients[who], clients[entry.owner]
    data = entry.data(world) if entry.data else {}
    problems = []

    def check(method, status, owner_status):
        if status in allowed or (status == 405 and owner_status == 405):
            return
        if (
            status == 403
            and (
                get(client, missing_url)
                if method == "get"
                else write(client, method, missing_url, data)[0]
            )
            == 403
        ):
            return  # a role gate before the lookup: says nothing about the object
        problems.append(f"{who}: {method.upper()} {url} ({key}) gets {status}")

    status = get(client, url)
    owner_get = (
        once(entry.owner, "get", url, work=lambda: get(owner, url))
        if status == 405
        else entry.owner_gets
    )
    check("get", status, owner_get)
    for method in write_methods(key):
        status, wrote = write(client, method, url, data)
        if wrote:
            problems.append(
                f"{who}: {method.upper()} {url} ({key}) WROTE to the database (status {status})"
            )
        owner_status = (
            405
            if status == 405
            and once(
                entry.owner,
                method,
                url,
                work=functools.partial(status_of_write, owner, method, url, data),
            )
            == 405
            else 0
        )
        check(method, status, owner_status)
    return problems


# The two longest walks over the matrix run in shards: a failure names its shard, and
# -k picks one shard to run again. (scripts/test keeps a module in one process, which
# builds the world once.)
SHARDS = 4


def in_shard(index: int, shard: int) -> bool:
    return index % SHARDS == shard


@pytest.mark.parametrize("shard", range(SHARDS))
def test_outsiders_get_404_and_change_nothing(world, clients, db, shard):
    wrong = []
    for index, (key, entry) in enumerate(MATRIX.items()):
        if entry.public or not in_shard(index, shard):
            continue
        for who in entry.outsiders:
            wrong += _refused(key, entry, world, clients, who, {404})
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("who", ["pending", "rejected"])
def test_an_unapproved_account_reaches_no_object_and_changes_nothing(world, clients, db, who):
    """A pending or rejected enterprise account: 403 or 404 on every id URL
    that is not public, and no write."""
    wrong = []
    for key, entry in MATRIX.items():
        if not entry.public:
            wrong += _refused(key, entry, world, clients, who, {403, 404})
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_log_in_except_on_public_pages(world, clients, db):
    wrong = []
    anonymous = clients["anonymous"]
    for key, entry in MATRIX.items():
        url, _ = urls_of(key, entry, world)
        response = _drain(anonymous.get(url))
        if entry.public:
            if response.status_code != 200:
                wrong.append(f"{key} {url}: public ({entry.public}) but {response.status_code}")
            continue
        if response.status_code not in refusals_of_anonymous(url):
            wrong.append(f"{key} {url}: GET gets {response.status_code}")
        elif response.status_code == 302 and not response["Location"].startswith(reverse("login")):
            wrong.append(f"{key} {url}: sent to {response['Location']}, not the login page")
        for method in write_methods(key):
            status, wrote = write(anonymous, method, url, {})
            if wrote or status not in refusals_of_anonymous(url) | {405}:
                wrong.append(
                    f"{key} {url}: {method.upper()} gets {status}" + (" and WROTE" if wrote else "")
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_a_staff_member_acts_like_its_admin_except_managing_staff(world, clients, db, shard):
    """朝阳区's staff member (not an admin) gets what 朝阳区's admin gets on
    every id URL, except staff management: 403 there, and nothing written."""
    wrong = []
    admin, staff = clients["district"], clients["district_staff"]
    for index, (key, entry) in enumerate(MATRIX.items()):
        if entry.personal or not in_shard(index, shard):
            continue
        url, _ = urls_of(key, entry, world)
        data = entry.data(world) if entry.data else {}
        tries = [("get", get(admin, url), get(staff, url), False)]
        for method in write_methods(key):
            staff_status, wrote = write(staff, method, url, data)
            tries.append((method, write(admin, method, url, data)[0], staff_status, wrote))
        for method, admin_status, staff_status, wrote in tries:
            if entry.admin_only and method != "get":
                if staff_status != 403 or wrote:
                    wrong.append(
                        f"{key} {method.upper()} {url}: admin only, the staff member "
                        f"gets {staff_status}" + (" and WROTE" if wrote else "")
                    )
            elif staff_status != admin_status:
                wrong.append(
                    f"{key} {method.upper()} {url}: admin {admin_status}, staff {staff_status}"
                )
    assert not wrong, "\n".join(wrong)


def test_a_street_office_reads_its_streets_enterprise_and_changes_nothing(world, clients, db):
    """建外街道's office watches cast.ent (its street): the registry entry, its
    applications and self-assessments open read-only; no write of any id URL changes
    anything (its 404s for other streets are test_outsiders_get_404_and_change_nothing's)."""
    wrong = []
    client = clients["street"]
    reads = []
    for key, entry in MATRIX.items():
        url, _ = urls_of(key, entry, world)
        status = get(client, url)
        if status == 200:
            reads.append(key)
        elif status not in (403, 404, 405, 302):
            wrong.append(f"GET {url} ({key}) gets {status}")
        data = entry.data(world) if entry.data else {}
        for method in write_methods(key):
            status, wrote = write(client, method, url, data)
            if wrote and entry.owner != "street":  # refused as 403/404/405, or invalid input
                wrong.append(f"{method.upper()} {url} ({key}) WROTE (status {status})")
    assert not wrong, "\n".join(wrong)
    assert set(STREET_READS) <= set(reads), set(STREET_READS) - set(reads)


STREET_READS = (
    "enterprises:detail",
    "api-enterprise-detail",
    "api-enterprise-accidents",
    "certification:detail",
    "api-application-detail",
    "assessments:detail",
    "api-assessment-detail",
)


# --------------------------------------------------------------------------
# The attacks the matrix is for


@pytest.mark.parametrize("who", ["pending", "rejected"])
def test_an_unapproved_account_sees_nothing_of_the_enterprise_it_claimed(world, clients, db, who):
    """Registering with a registry enterprise's credit code made the new
    account its ``account``: until the district approves, that must not
    open the enterprise's pages, API or accidents to it."""
    claimed = world.claimed_by_pending if who == "pending" else world.claimed_by_rejected
    client = clients[who]
    wrong = []
    for name in (
        "enterprises:detail",
        "enterprises:edit",
        "enterprises:accident_add",
        "api-enterprise-detail",
        "api-enterprise-accidents",
    ):
        url = reverse(name, kwargs={"pk": claimed.pk})
        status = get(client, url)
        if status not in (403, 404):
            wrong.append(f"GET {url}: {status}")
        status, wrote = write(
            client,
            "post",
            url,
            {
                "occurred_on": "2026-01-10",
                "deaths": "0",
                "serious_injuries": "0",
                "direct_loss": "0",
                "description": "伪造事故",
            },
        )
        if wrote or status not in (403, 404, 405):
            wrong.append(f"POST {url}: {status}" + (" and WROTE" if wrote else ""))
    for name in ("enterprises:list", "enterprises:mine", "home"):
        page = _drain(client.get(reverse(name)))
        if page.status_code == 200 and "叉车碰撞" in page.content.decode():
            wrong.append(f"{reverse(name)} shows the claimed enterprise's accident")
    assert not wrong, "\n".join(wrong)


REVIEW_SHEET_URLS = [
    "assessments:detail",
    "assessments:print",
    "assessments:team",
    "assessments:submit",
    "assessments:row",
    "assessments:evidence_upload",
    "api-assessment-detail",
    "api-assessment-rows",
    "api-assessment-row",
    "api-assessment-answers",
    "api-assessment-submit",
    "api-assessment-row-evidence",
]

ROW_URLS = {
    "assessments:row",
    "assessments:evidence_upload",
    "api-assessment-row",
    "api-assessment-row-evidence",
}


@pytest.mark.parametrize("who", ["enterprise", "enterprise_staff", "group", "district", "city"])
def test_the_reviewers_sheet_cannot_be_read_or_changed_as_a_self_assessment(
    world, clients, db, who
):
    """The on-site review's sheet is an Assessment of the enterprise (kind
    review): only the review unit changes it, through the application's review
    pages; through /assessments/ nobody reads or writes it (the enterprise
    could otherwise rewrite the reviewers' answers). Tried while the sheet is
    open: the receiver sends the report back (rolled back with the test)."""
    engine.perform(
        actor=world.cast.district,
        application=world.application,
        transition="send_back",
        comment="请补充现场照片。",
    )
    sheet = world.review_sheet
    sheet.refresh_from_db()
    assert not sheet.is_locked
    row = sheet.rows.select_related("criterion").order_by("pk").first()
    answer = {
        "result": "non_compliant",
        "deduction": "",
        "na_reason": "",
        "notes": "篡改",
        "revision": row.revision,
    }
    client = clients[who]
    wrong = []
    for name in REVIEW_SHEET_URLS:
        kwargs = {"pk": sheet.pk, **({"row_id": row.pk} if name in ROW_URLS else {})}
        url = reverse(name, kwargs=kwargs)
        status = get(client, url)
        if status not in (404, 405):
            wrong.append(f"GET {url}: {status}")
        data = (
            [{"criterion": row.criterion.code, "result": "non_compliant", "revision": row.revision}]
            if name == "api-assessment-answers"
            else answer
        )
        for method in write_methods(name):
            if method == "post" and name == "api-assessment-answers":
                status, wrote = _json_post(client, url, data)
            else:
                status, wrote = write(client, method, url, data)
            if wrote or status not in (403, 404, 405):
                wrong.append(f"{method.upper()} {url}: {status}" + (" and WROTE" if wrote else ""))
    assert not wrong, "\n".join(wrong)


def _json_post(client, url, data):
    wrote = False
    try:
        with transaction.atomic():
            before = _fingerprint()
            status = client.post(url, data, content_type="application/json").status_code
            wrote = _fingerprint() != before
            raise _Rollback
    except _Rollback:
        pass
    return status, wrote


def test_the_django_admin_id_urls_are_for_the_city_office_only(world, clients, db):
    """Every id pattern of the admin, on a real object of its model: the city
    office's pages (deleting is never offered: the audit trail); everyone
    else is sent to the admin's login."""
    from django.apps import apps

    wrong = []
    for route in walk():
        if not route.route.startswith("admin/") or not route.ids or not route.name:
            continue
        if route.name == "admin:view_on_site":
            continue  # needs a model with get_absolute_url; guarded like the rest
        app_label, model_name = route.route.split("/")[1:3]
        obj = apps.get_model(app_label, model_name).objects.order_by("pk").first()
        url = reverse(route.name, kwargs={"object_id": obj.pk})
        for who, client in clients.items():
            status = get(client, url)
            if who == "city":
                if status != (403 if route.name.endswith("_delete") else 200):
                    wrong.append(f"city: {url} gets {status}")
            elif status != 302:
                wrong.append(f"{who}: {url} gets {status}")
    assert not wrong, "\n".join(wrong)
