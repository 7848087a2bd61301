"""Building blocks for supervision tests, made through the real services: a major
hazard reported, planned, approved, listed, evaluated, applied to close."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards import services as ledger
from hazards.models import Hazard, SupervisionListing
from hazards.supervision import reports, services
from tests.cast import make_user
from tests.hazards.factories import PDF, record

PLAN = {
    "goals_and_tasks": "消除淬火油槽火灾隐患。",
    "methods_and_measures": "加装超温报警和自动灭火装置。",
    "funds_and_materials": "专项资金 12 万元，设备已采购。",
    "organisation_and_people": "设备部牵头，张工负责。",
    "timeline_and_requirements": "30 日内完成并验收。",
    "safety_and_emergency": "治理期间停用油槽，配备灭火器材，制定应急预案。",
}
REPORT = {
    "current_state_and_causes": "淬火油槽未设超温报警，原因是设备老旧。",
    "harm_and_difficulty": "可能引发火灾，治理需停产改造。",
    "treatment_outline": "停用油槽，加装报警与灭火装置。",
    "suspension": "partial",
}


def today() -> datetime.date:
    return timezone.localdate()


def major(cast, **overrides) -> Hazard:
    overrides.setdefault("found_on", today() - datetime.timedelta(days=2))
    return record(cast, grade=Hazard.Grade.MAJOR, **overrides)


def reported(cast, hazard: Hazard | None = None) -> Hazard:
    hazard = hazard or major(cast)
    reports.report_save(actor=cast.enterprise_staff, hazard=hazard, **REPORT)
    reports.report_submit(actor=cast.enterprise, hazard=hazard)
    return hazard


def report_and_plan(cast, hazard: Hazard) -> Hazard:
    """What approve_plan needs: the submitted report and the six-part plan."""
    reported(cast, hazard)
    reports.plan_save(actor=cast.enterprise_staff, hazard=hazard, **PLAN)
    return hazard


def approved(cast, hazard: Hazard | None = None) -> Hazard:
    hazard = report_and_plan(cast, hazard or major(cast))
    return ledger.perform(actor=cast.enterprise, hazard=hazard, move="approve_plan")


def listed(cast, hazard: Hazard | None = None, actor=None, **overrides) -> SupervisionListing:
    hazard = hazard or approved(cast)
    values = {
        "deadline": today() + datetime.timedelta(days=60),
        "suspension": "partial",
        "requirements": "停用淬火油槽，按期治理并报告进展。",
        "progress_interval_days": 15,
    }
    values.update(overrides)
    return services.listing_create(actor=actor or cast.district, hazard=hazard, **values)


def pdf_file(name: str = "评估报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def evaluated(cast, listing: SupervisionListing) -> SupervisionListing:
    services.evaluation_record(
        actor=cast.enterprise_staff,
        listing=listing,
        by="evaluation_body",
        body_name="北京安评技术服务有限公司",
        conclusion="治理完成，隐患消除。",
        evaluated_on=today(),
        files=[pdf_file()],
    )
    return listing


def applied(cast, listing: SupervisionListing | None = None) -> SupervisionListing:
    listing = evaluated(cast, listing or listed(cast))
    services.close_apply(actor=cast.enterprise, listing=listing, text="治理完成，申请核销。")
    listing.refresh_from_db()
    return listing


def second_official(cast, organisation=None):
    """Another official of the district (the cast has district and district_staff)."""
    return make_user("t-district-second", organisation or cast.district.organisation)


MATRIX_MARK = "URL matrix major hazard"


def matrix_listing(cast) -> SupervisionListing:
    """A major hazard of cast.ent, reported, its plan approved, listed by 朝阳区 and
    evaluated with a PDF: made once per database state, found again later."""
    listing = SupervisionListing.objects.filter(hazard__location=MATRIX_MARK).first()
    if listing is None:
        listing = evaluated(cast, listed(cast, approved(cast, major(cast, location=MATRIX_MARK))))
    return listing


def matrix_receipt(cast):
    """The district's receipt of that hazard's report."""
    return matrix_listing(cast).hazard.major_report.receipts.get(
        organisation=cast.district.organisation
    )
