"""Demonstration applications for ``manage.py seed_demo``, so that each demo
login's work queue has real work in it.

Everything goes through the real services (self-assessments through
reviews.services, applications and their moves through certification.engine),
so timelines, audit log and notifications are what a user would have made.
Keyed by enterprise: an enterprise that already has an application is left
alone, so running seed_demo again creates nothing new.

Needs the shipped standards (``manage.py load_standards``, which scripts/run
runs before seed_demo); without them the applications are skipped with a note.

What ends up where (due dates count from the day of seeding):

==================  ==========================================================
demo-enterprise     level 1 draft (materials incomplete); level 2 returned for
                    correction by the association
demo-district       朝阳区: level 3 of 望京 submitted; 达标 of 酒仙桥 (small firm)
                    submitted; level 3 of 三里屯 accepted (formal review)
demo-association    level 2 of 京城海淀 submitted; level 2 of 京城通州 accepted
demo-city           level 1 of 京城顺义 submitted (to forward); level 1 of
                    京城丰台 forwarded nationally (result to record); level 1 of
                    京城昌平 decided nationally (approved)
demo-reviewer       北京安评: level 3 of 京城朝阳液压 assigned by 朝阳区 to its team of
                    three (declarations to sign for them, then start the review);
                    京城朝阳起重 in on-site review (score, report, sign)
demo-group          also: 京城朝阳电机 asked to rectify (upload evidence, submit)
demo-district       also: 京城朝阳阀门 reported (form a verification batch, spot
                    check, verify); 京城朝阳锻压 verified (approve, as level 3's
                    grading authority); 京城朝阳轴承 approved (publish); 京城朝阳印刷
                    in publicity (objections welcome on /public/publicity/);
                    京城朝阳环保 announced with its certificate
demo-regulator      北京市应急管理局, machinery level 2's grading authority:
                    京城海淀精工 verified by the association (approve, publish,
                    announce)
demo-group          applies for its members 京城海淀/通州/丰台/顺义/昌平/朝阳
==================  ==========================================================

Every demo review unit gets reviewers (certificate numbers AQBZ-2026-NNNN,
keyed by number), none with a login of their own: any user of the unit
signs the declarations on their behalf.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from certification import engine
from certification.applications import services
from certification.assignment import rules as assigning
from certification.demo_data import (
    ASSIGNED_UNIT,
    CONFLICT,
    DEDUCTIONS,
    GROUP,
    MATERIAL_NAMES,
    MEMBERS,
    PDF,
    REVIEWERS,
    SCENARIOS,
    STANDARDS,
    Plan,
)
from certification.models import Application, AssignmentMember, PublicityBatch
from certification.models.applications import REQUIRED_MATERIALS
from certification.onsite import confirmation
from certification.onsite import findings as onsite_findings
from certification.onsite import rules as onsite
from certification.publicity import rules as publicity
from certification.verification import rules as verification
from certification.verification import spot_checks
from enterprises.demo_factory import demo_uscc
from enterprises.models import Enterprise
from portal import workdays
from portal.models import Organisation, Street, User
from reviews import services as review_services
from reviews.models import (
    Assessment,
    AssessmentRow,
    ConflictRelation,
    Result,
    Reviewer,
    StandardVersion,
)


def _members(result) -> None:
    group = Organisation.objects.get(name=GROUP)
    for name, (serial, region, scale, employees, address, legal) in MEMBERS.items():
        street = Street.objects.filter(region_id=region).order_by("code").first()
        _enterprise, created = Enterprise.objects.get_or_create(
            uscc=demo_uscc(serial, region),
            defaults={
                "name": name,
                "region_id": region,
                "street": street,
                "address": address,
                "industry_id": "machinery",
                "scale": scale,
                "employees": employees,
                "annual_revenue": Decimal(employees * 9),
                "legal_representative": legal,
                "safety_principal": legal,
                "contact_name": legal,
                "contact_phone": f"010-8{serial % 1000:03d}6600",
                "group": group,
                "status": Enterprise.Status.ACTIVE,
            },
        )
        result.note("enterprises", created)


def _assessment(actor, enterprise: Enterprise, version: StandardVersion) -> Assessment:
    """A submitted self-assessment of last year, everything met but a few points."""
    existing = Assessment.objects.filter(
        enterprise=enterprise, version=version, status=Assessment.Status.SUBMITTED
    ).first()
    if existing is not None:
        return existing
    year = timezone.localdate().year - 1
    assessment = review_services.assessment_create(
        actor=actor,
        enterprise=enterprise,
        version=version,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        team_leader=enterprise.safety_principal or enterprise.legal_representative or "张伟",
        team_members="安全管理部、设备部、生产部负责人",
    )
    rows = (
        assessment.rows.select_related("criterion", "assessment")
        .filter(criterion__is_veto=False, criterion__points__gte=5)
        .order_by("criterion__position")
    )
    for row, deduction in zip(rows, DEDUCTIONS, strict=False):
        review_services.row_save(
            actor=actor,
            row=row,
            result=Result.PARTIAL,
            deduction=deduction,
            notes="部分记录不完整，已安排整改。",
            revision=row.revision,
        )
    # The rest are met: one UPDATE instead of a save per row (as row_save would write).
    AssessmentRow.objects.filter(assessment=assessment, result="").update(
        result=Result.COMPLIANT,
        revision=F("revision") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    return review_services.assessment_submit(actor=actor, assessment=assessment)


def _apply(
    actor, enterprise: Enterprise, assessment: Assessment, plan: Plan, users: dict[str, User]
) -> Application:
    application = services.application_create(
        actor=actor, enterprise=enterprise, assessment=assessment, tier=plan.tier
    )
    kinds = REQUIRED_MATERIALS if plan.submit else REQUIRED_MATERIALS[:2]
    for kind in kinds:
        services.material_add(
            actor=actor,
            application=application,
            kind=kind,
            upload=SimpleUploadedFile(MATERIAL_NAMES[kind], PDF, "application/pdf"),
        )
    if not plan.submit:
        return application
    services.application_update(
        actor=actor,
        application=application,
        declaration_confirmed=True,
        accidents_last_3_years="近三年未发生生产安全事故。",
    )
    services.application_submit(actor=actor, application=application)
    for move, username, comment in plan.moves:
        if _step(move, users[username], application):
            continue
        extra = {}
        if move == "assign":
            unit = Organisation.objects.get(name=ASSIGNED_UNIT)
            leader, *members = Reviewer.objects.filter(unit=unit).order_by("certificate_no")
            extra = {"unit": unit, "leader": leader, "members": members}
        if move == "request_rectification":
            extra = {"deadline": workdays.add_working_days(timezone.localdate(), 15)}
        if move == "record_national_result":
            extra = {
                "national_result": "approved",
                "national_reference": f"应急管理部公告{timezone.localdate().year}年第3号",
            }
        engine.perform(
            actor=users[username],
            application=application,
            transition=move,
            comment=comment,
            **extra,
        )
    return application


def _team(application: Application) -> list[AssignmentMember]:
    current = assigning.current_assignment(application)
    assert current is not None  # the plans assign a team before its steps
    return list(current.members.all())


def _step(name: str, actor: User, application: Application) -> bool:
    """The set-up steps of a plan that are not moves; False for a move."""
    if name == "sign_declarations":  # no demo reviewer has a login: the unit signs
        for member in _team(application):
            assigning.declaration_sign(
                actor=actor, application=application, reviewer=member.reviewer
            )
    elif name == "add_finding":
        onsite_findings.finding_add(
            actor=actor,
            application=application,
            kind="deduction",
            text="起重机械定期检验报告缺失2台，设备台账未更新。",
        )
    elif name == "write_report":
        # The demo team checked every copied row on site.
        confirmation.review_rows_confirm(
            actor=actor,
            application=application,
            rows=confirmation.unconfirmed_ids(review)
            if (review := onsite.review_for(application))
            else [],
        )
        onsite_findings.finding_add(
            actor=actor,
            application=application,
            kind="deduction",
            text="部分岗位安全操作规程未及时修订。",
            must_rectify=False,
        )
        onsite.report_update(
            actor=actor,
            application=application,
            summary="企业安全生产标准化运行有效，现场管理良好；个别操作规程需修订。",
            technical_head="刘海涛",
        )
        for member in _team(application):
            onsite.report_sign(actor=actor, application=application, reviewer=member.reviewer)
    elif name == "verification_batch":
        batch = verification.batch_create(actor=actor, applications=[application])
        for check in batch.checks.filter(required=True):
            spot_checks.spot_check_record(
                actor=actor, check=check, result="passed", notes="现场抽查复核，与评审报告一致。"
            )
    elif name == "publicity":
        publicity.publicity_batch_create(actor=actor, applications=[application])
    elif name == "publicity_over":
        # Demo only: move the window into the past, as if it had run its course.
        today = timezone.localdate()
        PublicityBatch.objects.filter(items__application=application).update(
            starts_on=today - datetime.timedelta(days=21),
            ends_on=today - datetime.timedelta(days=10),
        )
    elif name == "announcement":
        publicity.announcement_create(actor=actor, applications=[application])
    else:
        return False
    return True


def _reviewers(result) -> None:
    units = {org.name: org for org in Organisation.objects.filter(name__in=REVIEWERS)}
    for unit_name, people in REVIEWERS.items():
        if unit_name not in units:
            continue
        for name, number, specialties in people:
            reviewer, created = Reviewer.objects.get_or_create(
                certificate_no=number, defaults={"unit": units[unit_name], "name": name}
            )
            if created:
                # Industries are keyed by their code; the stubs take only int keys.
                reviewer.specialties.set(specialties)  # type: ignore[arg-type]
            result.note("reviewers", created)
    unit_name, enterprise_name, since, note = CONFLICT
    enterprise = Enterprise.objects.filter(name=enterprise_name).first()
    city = User.objects.filter(username="demo-city").first()
    if unit_name in units and enterprise is not None and city is not None:
        _relation, created = ConflictRelation.objects.get_or_create(
            unit=units[unit_name],
            enterprise=enterprise,
            kind=ConflictRelation.Kind.CONSULTING,
            defaults={"started_on": since, "note": note, "created_by": city},
        )
        result.note("conflicts of interest", created)


def seed_demo_applications(result) -> None:
    """Called by ``manage.py seed_demo`` after enterprises.demo.seed_demo (in its transaction)."""
    _reviewers(result)
    versions: dict[str, StandardVersion] = {}
    for version in (
        StandardVersion.objects.filter(
            status=StandardVersion.Status.PUBLISHED, standard__code__in=STANDARDS
        )
        .select_related("standard")
        .order_by("effective_date", "pk")
    ):
        versions[version.standard.code] = version  # the latest in force wins
    missing = [code for code in STANDARDS if code not in versions]
    if missing:
        print(
            f"Demo applications skipped: the shipped standards are not loaded "
            f"({', '.join(missing)} missing). Run `manage.py load_standards`, then "
            f"seed_demo again."
        )
        return
    _members(result)
    usernames = {login for login, _plans in SCENARIOS.values()}
    usernames |= {
        user
        for _login, plans in SCENARIOS.values()
        for plan in plans
        for _move, user, _comment in plan.moves
    }
    users = {
        user.username: user
        for user in User.objects.filter(username__in=usernames).select_related("organisation")
    }
    for name, (login, plans) in SCENARIOS.items():
        if login not in users:
            continue
        if name in MEMBERS:
            serial, region = MEMBERS[name][:2]
            enterprise = Enterprise.objects.filter(uscc=demo_uscc(serial, region)).first()
        else:
            enterprise = Enterprise.objects.filter(
                account=users[login].organisation_id, name=name
            ).first()
        if enterprise is None or enterprise.status != Enterprise.Status.ACTIVE:
            continue
        if Application.objects.filter(enterprise=enterprise).exists():
            continue  # seeded before (or the demo user applied by hand)
        actor = users[login]
        for plan in plans:
            assessment = _assessment(actor, enterprise, versions[plan.standard])
            _apply(actor, enterprise, assessment, plan, users)
            result.note("applications", True)
