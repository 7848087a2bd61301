"""One object of each kind behind the portal's id URLs, all of cast.ent
(朝阳区, machinery, member of cast.group), built once through the services
for tests/portal/test_url_matrix.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import time_machine
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_noop

from certification.certificates import pdf_jobs
from certification.models import (
    AnnouncementBatch,
    Application,
    Certificate,
    Finding,
    Material,
    Objection,
    PdfJob,
    PublicityBatch,
    SpotCheck,
    Status,
    VerificationBatch,
)
from certification.publicity import objections
from certification.publicity import rules as publicity
from certification.tasks import issue_announcement_pdfs_task
from enterprises import accidents
from enterprises.models import Accident, Enterprise, ImportJob, RegistrationClaim
from enterprises.services import enterprise_register
from enterprises.uscc import make_uscc
from portal.models import Notification, Organisation, Region
from portal.notify import label, message
from reviews import services as review_services
from reviews.models import (
    Assessment,
    AssessmentRow,
    ConflictRelation,
    Evidence,
    Reviewer,
    StandardVersion,
)
from tests.cast import PASSWORD, Cast, build_cast, make_enterprise
from tests.certification.factories import PDF, make_tiered_version, review_team
from tests.certification.test_publicity import AFTER, MONDAY, item_of, lodge, verified
from tests.certification.test_scope_matrix import add_review_files
from tests.certification.test_workflow_matrix import deadline, walk


@dataclass
class World:
    cast: Cast
    version: StandardVersion
    application: Application  # reported: on-site review, report, spot check
    material: Material
    review_row: AssessmentRow  # a row of the reviewers' sheet
    finding: Finding  # the review's deduction
    review_files: dict[str, int]
    review_sheet: Assessment  # the reviewers' sheet (kind review)
    assessment: Assessment  # a submitted self-assessment of cast.ent
    assessment_row: AssessmentRow
    evidence: Evidence
    verification_batch: VerificationBatch
    spot_check: SpotCheck
    publicity_batch: PublicityBatch
    objection: Objection
    announcement: AnnouncementBatch
    certificate: Certificate  # rendered (PDF and plaque)
    accident: Accident
    import_job: ImportJob
    notification: Notification
    reviewer: Reviewer
    conflict: ConflictRelation
    # Registry entries claimed by the pending and the rejected account, as
    # self-registration with a known credit code linked them.
    claimed_by_pending: Enterprise
    claimed_by_rejected: Enterprise
    registration: RegistrationClaim  # pending, for 朝阳区
    pdf_job: PdfJob  # the district's report PDF, rendered


def build_world() -> World:
    cache.clear()
    cast = build_cast()
    version = make_tiered_version()
    # A level-2 certificate, announced by its grading authority (the machinery
    # regulator) after a publicity with a dismissed objection, its files rendered.
    with time_machine.travel(MONDAY):
        announced_app = verified(cast, version, tier="2")
        publicity_batch = publicity.publicity_batch_create(
            actor=cast.regulator, applications=[announced_app]
        )
        objection = lodge(item_of(announced_app))
        objections.objection_resolve(
            actor=cast.regulator,
            objection=objection,
            outcome=Objection.Outcome.DISMISSED,
            resolution="经核实不属实。",
        )
    with time_machine.travel(AFTER):
        announcement = publicity.announcement_create(
            actor=cast.regulator, applications=[announced_app]
        )
    issue_announcement_pdfs_task.delay(announcement.pk)
    certificate = Certificate.objects.get(application=announced_app)
    certificate.refresh_from_db()
    assert certificate.rendered_at and certificate.pdf and certificate.plaque_pdf

    # A level-3 application of 朝阳区 (received by cast.district), reported:
    # on-site review with its sheet, findings, files and report, a spot check.
    team = review_team(cast)
    application = walk(cast, version, Status.REPORTED, "3", {**team, "deadline": deadline()})
    files = add_review_files(cast, application)
    review = application.onsite
    check = SpotCheck.objects.get(application=application)

    # A submitted self-assessment with an evidence file: the enterprise's,
    # read by whoever oversees the enterprise.
    assessment = review_services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=version, team_leader="张伟"
    )
    rows = list(assessment.rows.order_by("pk"))
    evidence = review_services.evidence_add(
        actor=cast.enterprise, row=rows[0], upload=SimpleUploadedFile("证据.pdf", PDF)
    )
    for row in rows:
        review_services.row_save(
            actor=cast.enterprise, row=row, result="compliant", revision=row.revision
        )
    assessment = review_services.assessment_submit(actor=cast.enterprise, assessment=assessment)

    accident = accidents.accident_record(
        actor=cast.district,
        enterprise=cast.ent,
        occurred_on=datetime.date(2026, 1, 5),
        description="车间起重伤害事故",
    )
    job = ImportJob(
        created_by=cast.district,
        organisation=cast.district.organisation,
        original_filename="企业名录.xlsx",
        status=ImportJob.Status.VALIDATED,
    )
    job.file.save("matrix.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.save()
    # As notify() writes it: the message, read in the reader's language, and its
    # text in the portal's.
    notification = Notification.objects.create(
        recipient=cast.enterprise,
        text="测试通知",
        message=message(
            gettext_noop("%(enterprise)s · %(tier)s application: %(status)s"),
            enterprise=application.enterprise.name,
            tier=label(Application.Tier, application.tier),
            status=label(Status, application.status),
        ),
        url=f"/applications/{application.pk}/",
    )
    conflict = ConflictRelation.objects.create(
        unit=cast.reviewer.organisation,
        enterprise=cast.ent,
        kind="consulting",
        started_on=datetime.date(2024, 1, 1),
        created_by=cast.city,
    )

    chaoyang = Region.objects.get(code="110105")
    # A registration waiting for 朝阳区: a claim on a registry entry's credit code.
    registration = enterprise_register(
        uscc=make_uscc("110105", "MA0000093"),
        name="北京朝阳新申请机械有限公司",
        region=chaoyang,
        contact_name="王芳",
        contact_phone="13800000000",
        username="t-matrix-registrant",
        email="registrant@example.cn",
        password=PASSWORD,
    )

    # The on-site report as PDF, asked for by the district and rendered.
    client = Client()
    client.force_login(cast.district)
    client.get(reverse("certification:review_report_pdf", args=[application.pk]))
    pdf_job = PdfJob.objects.get(requested_by=cast.district)
    assert pdf_jobs.render_job(pdf_job.pk)
    claimed_by_pending = make_enterprise(
        "北京朝阳老字号机械厂", chaoyang, 91, account=cast.pending.organisation
    )
    claimed_by_rejected = make_enterprise(
        "北京朝阳红星机械厂", chaoyang, 92, account=cast.rejected.organisation
    )
    for claimed in (claimed_by_pending, claimed_by_rejected):
        accidents.accident_record(
            actor=cast.district,
            enterprise=claimed,
            occurred_on=datetime.date(2026, 1, 6),
            description="叉车碰撞",
        )
    assert cast.pending.organisation.status == Organisation.Status.PENDING
    return World(
        cast=cast,
        version=version,
        application=application,
        material=application.materials.order_by("pk").first(),
        review_row=review.assessment.rows.order_by("pk").first(),
        finding=review.findings.get(kind=Finding.Kind.DEDUCTION),
        review_files=files,
        review_sheet=review.assessment,
        assessment=assessment,
        assessment_row=rows[0],
        evidence=evidence,
        verification_batch=check.batch,
        spot_check=check,
        publicity_batch=publicity_batch,
        objection=objection,
        announcement=announcement,
        certificate=certificate,
        accident=accident,
        import_job=job,
        notification=notification,
        reviewer=team["leader"],
        conflict=conflict,
        claimed_by_pending=claimed_by_pending,
        claimed_by_rejected=claimed_by_rejected,
        registration=registration,
        pdf_job=pdf_job,
    )
