"""Every write on applications: create, update, materials, the applicant's and
receiver's own checks of their moves, and one named function per move (all
carried out by certification.engine.perform)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.assignment import simplified
from certification.engine import Move, TransitionForbidden, due_for, perform
from certification.models import Application, Material, MaterialKind, Status
from certification.validity import check_may_apply
from certification.workflow import TIER_NAMES
from enterprises import preconditions
from enterprises.models import Enterprise
from portal import audit
from portal.errors import ServiceError
from portal.files import check_document, store_upload
from portal.models import Organisation, OrganisationKind, Qualification, User
from reviews import accident_gate as accident_gates
from reviews.models import Assessment, Reviewer
from reviews.scoring import score
from reviews.scoring_data import accident_gate, answers_for, spec_for_version

# --- who receives an application -------------------------------------------------


def receiver_for(enterprise: Enterprise, tier: str) -> Organisation:
    """Level 3 (and small-firm standards) → the district; level 2 → the
    organising unit of the industry; level 1 → the city office, which forwards
    it to the national organising unit."""
    if tier in ("3", "pass"):
        org = Organisation.objects.filter(
            kind=OrganisationKind.DISTRICT,
            region_id=enterprise.region_id,
            status=Organisation.Status.ACTIVE,
        ).first()
    elif tier == "2":
        org = (
            Organisation.objects.filter(
                kind=OrganisationKind.ORGANISING_UNIT,
                status=Organisation.Status.ACTIVE,
                pk__in=Qualification.objects.filter(
                    industry_id=enterprise.industry_id, tier="2"
                ).values("organisation"),
            )
            .order_by("pk")
            .first()
        )
    else:
        org = Organisation.objects.filter(
            kind=OrganisationKind.CITY_OFFICE, status=Organisation.Status.ACTIVE
        ).first()
    if org is None:
        raise ServiceError(
            _(
                "No organisation in the portal receives %(tier)s applications for "
                "this industry and district yet; contact the city office."
            )
            % {"tier": TIER_NAMES.get(tier, tier)},
            field="tier",
        )
    return org


def _applicant_for(actor: User, enterprise: Enterprise) -> Organisation:
    org = actor.organisation
    if org is not None and org.kind == OrganisationKind.ENTERPRISE:
        if enterprise.account_id == org.pk:
            return org
    if org is not None and org.kind == OrganisationKind.GROUP:
        if enterprise.group_id == org.pk:
            return org
    raise TransitionForbidden(_("Only the enterprise or its group can apply for it."))


def check_in_scheme(enterprise: Enterprise) -> None:
    """Certificates are issued only for the industries of the certificate
    scheme (domain.md §4.2's industry codes), unless settings.CERTIFICATE_FALLBACK_CODE
    numbers the others (the portal's "QT")."""
    industry = enterprise.industry
    if industry is None or industry.certificate_code or settings.CERTIFICATE_FALLBACK_CODE:
        return
    raise ServiceError(
        _(
            "The standardization certificate scheme has no industry code for %(industry)s: "
            "no certificate can be issued for it, so no application is accepted."
        )
        % {"industry": industry.name},
        field="tier",
    )


def check_not_blocked(enterprise: Enterprise) -> None:
    """Refuse while a precondition is not met (enterprises/preconditions.py: licence,
    open major hazards, dishonesty list, re-application lock), naming each reason."""
    preconditions.check_may_apply(enterprise)


def check_qualifies(assessment: Assessment, tier: str, deaths_last_year: int) -> None:
    """Refuse, naming the gap, unless the self-assessment earns the tier.

    The score and grade come from the scoring function, with the accident
    record as declared in the application when that is worse.
    """
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ServiceError(
            _(
                "Submit the self-assessment first; an application is based on a "
                "submitted self-assessment."
            ),
            field="assessment",
        )
    spec = spec_for_version(assessment.version)
    if tier not in spec.thresholds:
        raise ServiceError(
            _("The standard of this self-assessment does not grade %(tier)s.")
            % {"tier": TIER_NAMES.get(tier, tier)},
            field="tier",
        )
    # The accidents recorded on the enterprise in the last 12 months count
    # too, when worse than declared; the gate is the regime's (reviews/accident_gate.py).
    after, until = accident_gates.window_for(None)
    accidents = accident_gates.worse(
        accident_gates.recorded(assessment.enterprise_id, after, until),
        deaths=max(deaths_last_year, assessment.deaths_last_year),
    )
    deaths = accidents.deaths
    regime = assessment.version.standard.regime
    result = score(
        spec, answers_for(assessment), accidents=accidents, accident_gate=accident_gate(regime)
    )
    threshold = spec.thresholds[tier]
    if result.score is None or result.score < threshold:
        raise ServiceError(
            _(
                "%(tier)s needs a score of at least %(threshold)s; the self-assessment scored "
                "%(score)s, %(gap)s short."
            )
            % {
                "tier": TIER_NAMES.get(tier, tier),
                "threshold": threshold,
                "score": result.score,
                "gap": threshold - (result.score or 0),
            },
            field="tier",
        )
    # A failed veto bars only its grades (every grade when it names none).
    barring = [code for code, grades in result.veto_grades.items() if not grades or tier in grades]
    if barring:
        raise ServiceError(
            _("Veto criteria failed in the self-assessment: %(codes)s.")
            % {"codes": ", ".join(barring)},
            field="tier",
        )
    order = sorted(spec.thresholds, key=lambda g: spec.thresholds[g], reverse=True)
    short = [item for item in result.element_shortfalls if item.grade == tier]
    if short:
        raise ServiceError(
            _("%(tier)s needs every element to earn %(minimum)s%% of its points; %(elements)s.")
            % {
                "tier": TIER_NAMES.get(tier, tier),
                "minimum": short[0].minimum,
                "elements": ", ".join(f"{item.element} {item.percent}%" for item in short),
            },
            field="tier",
        )
    if tier in result.accident_bars:
        raise ServiceError(
            accident_gates.explain(accidents, regime, tier, after, until),
            field="deaths_last_year",
        )
    if result.grade is None or order.index(result.grade) > order.index(tier):
        raise ServiceError(
            _(
                "With %(deaths)d death(s) in the last year the accident record "
                "does not allow %(tier)s."
            )
            % {"deaths": deaths, "tier": TIER_NAMES.get(tier, tier)},
            field="deaths_last_year",
        )


@transaction.atomic
def application_create(
    *,
    actor: User,
    enterprise: Enterprise,
    assessment: Assessment,
    tier: str,
    deaths_last_year: int = 0,
    serious_injuries_last_year: int = 0,
    accidents_last_3_years: str = "",
) -> Application:
    applicant = _applicant_for(actor, enterprise)
    if assessment.enterprise_id != enterprise.pk or assessment.kind != Assessment.Kind.SELF:
        raise ServiceError(_("Choose a self-assessment of this enterprise."), field="assessment")
    # The re-apply lock after a revocation, and a live certificate of
    # this grade only renewed within its renewal window (certification/lifecycle/rules.py).
    check_may_apply(enterprise, tier)
    check_in_scheme(enterprise)
    check_not_blocked(enterprise)
    check_qualifies(assessment, tier, deaths_last_year)
    open_states = set(Status.values) - {
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.NATIONAL_DECIDED,
        Status.ANNOUNCED,
    }
    if enterprise.applications.filter(tier=tier, status__in=open_states).exists():
        raise ServiceError(
            _("This enterprise already has an open application for %(tier)s.")
            % {"tier": TIER_NAMES.get(tier, tier)},
            field="tier",
        )
    application = Application.objects.create(
        enterprise=enterprise,
        applicant=applicant,
        assessment=assessment,
        tier=tier,
        # receiver_for refuses an enterprise without an industry.
        industry_id=cast(str, enterprise.industry_id),
        receiver=receiver_for(enterprise, tier),
        deaths_last_year=deaths_last_year,
        serious_injuries_last_year=serious_injuries_last_year,
        accidents_last_3_years=accidents_last_3_years,
        created_by=actor,
        due_on=due_for(Status.DRAFT)[0],
    )
    audit.record(
        actor=actor,
        action="application.create",
        obj=application,
        after={"tier": tier, "assessment": assessment.pk, "receiver": application.receiver_id},
    )
    return application


def _editable_by_applicant(application: Application, actor: User) -> None:
    if actor.organisation_id != application.applicant_id:
        raise TransitionForbidden(_("Only the applicant can change the application."))
    if application.status not in (Status.DRAFT, Status.RETURNED):
        raise ServiceError(
            _(
                "The application can be changed only as a draft or after it was "
                "returned for correction."
            )
        )


@transaction.atomic
def application_update(*, actor: User, application: Application, **fields: Any) -> Application:
    """Change the accident declaration of a draft or returned application."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable_by_applicant(application, actor)
    allowed = {
        "deaths_last_year",
        "serious_injuries_last_year",
        "accidents_last_3_years",
        "declaration_confirmed",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    before = audit.snapshot(application, list(fields))
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(update_fields=list(fields))
    old, new = audit.changed(before, audit.snapshot(application, list(fields)))
    if new:
        audit.record(
            actor=actor, action="application.update", obj=application, before=old, after=new
        )
    return application


@transaction.atomic
def material_add(
    *, actor: User, application: Application, kind: str, upload: UploadedFile[bytes]
) -> Material:
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable_by_applicant(application, actor)
    if kind not in MaterialKind.values:
        raise ServiceError(_("Choose what kind of material this is."), field="kind")
    file_type = check_document(upload, settings.EVIDENCE_MAX_BYTES)
    material = store_upload(
        Material(application=application, kind=kind),
        upload,
        detected=file_type,
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        action="application.material.add",
        obj=application,
        after={"kind": kind, "file": material.original_name, "sha256": material.sha256},
    )
    return material


# --- the applicant's and receiver's checks of their moves -------------------------


def _check_ready_to_submit(application: Application) -> None:
    have = set(application.materials.values_list("kind", flat=True))
    required = simplified.required_materials(application.tier)
    missing = [MaterialKind(kind).label for kind in required if kind not in have]
    if missing:
        raise ServiceError(
            _("Upload the missing materials first: %(list)s.")
            % {"list": "、".join(str(m) for m in missing)},
            field="materials",
        )
    if not application.declaration_confirmed:
        raise ServiceError(
            _("Confirm the accident-record declaration first."), field="declaration_confirmed"
        )
    check_not_blocked(application.enterprise)
    check_qualifies(application.assessment, application.tier, application.deaths_last_year)


def prepare_submit(move: Move) -> None:
    _check_ready_to_submit(move.application)
    # What the principal affirmed with the declaration, kept in the audit.
    move.details["affirmed"] = preconditions.affirmed_items(move.application.enterprise)
    if move.application.submitted_at is None:
        move.application.submitted_at = timezone.now()
        move.fields.append("submitted_at")


def prepare_return(move: Move) -> None:
    """An application is returned once: the comment is the one complete list
    of corrections (行政许可法 第三十二条 "一次告知…全部内容"); a second return
    is refused, naming the first."""
    first = move.application.events.filter(transition="return").order_by("created_at", "pk").first()
    if first is not None:
        raise ServiceError(
            _(
                "This application was already returned for correction on %(date)s, with "
                "its complete list of corrections; it cannot be returned again. Accept it "
                "or do not accept it, giving the reasons."
            )
            % {"date": timezone.localtime(first.created_at).date().isoformat()},
            field="comment",
        )


def prepare_national_result(move: Move) -> None:
    result = move.data.get("national_result") or ""
    reference = (move.data.get("national_reference") or "").strip()
    if result not in ("approved", "refused") or not reference:
        raise ServiceError(
            _("Enter the national result and its reference."), field="national_result"
        )
    move.application.national_result = result
    move.application.national_reference = reference
    move.fields += ["national_result", "national_reference"]


def application_submit(*, actor: User, application: Application, comment: str = "") -> Application:
    return perform(actor=actor, application=application, transition="submit", comment=comment)


def application_resubmit(
    *, actor: User, application: Application, comment: str = ""
) -> Application:
    return perform(actor=actor, application=application, transition="resubmit", comment=comment)


def application_withdraw(
    *, actor: User, application: Application, comment: str = ""
) -> Application:
    return perform(actor=actor, application=application, transition="withdraw", comment=comment)


def application_accept(*, actor: User, application: Application, comment: str = "") -> Application:
    return perform(actor=actor, application=application, transition="accept", comment=comment)


def application_return(*, actor: User, application: Application, comment: str) -> Application:
    return perform(actor=actor, application=application, transition="return", comment=comment)


def application_reject(*, actor: User, application: Application, comment: str) -> Application:
    return perform(actor=actor, application=application, transition="reject", comment=comment)


def application_forward_national(
    *, actor: User, application: Application, comment: str = ""
) -> Application:
    return perform(
        actor=actor, application=application, transition="forward_national", comment=comment
    )


def application_record_national_result(
    *,
    actor: User,
    application: Application,
    national_result: str,
    national_reference: str,
    comment: str = "",
) -> Application:
    return perform(
        actor=actor,
        application=application,
        transition="record_national_result",
        comment=comment,
        national_result=national_result,
        national_reference=national_reference,
    )


def application_assign(
    *,
    actor: User,
    application: Application,
    unit: Organisation | None,
    leader: Reviewer | None,
    members: Sequence[Reviewer],
    comment: str = "",
) -> Application:
    return perform(
        actor=actor,
        application=application,
        transition="assign",
        comment=comment,
        unit=unit,
        leader=leader,
        members=members,
    )


def application_start_review(
    *, actor: User, application: Application, comment: str = ""
) -> Application:
    return perform(actor=actor, application=application, transition="start_review", comment=comment)


def application_withdraw_assignment(
    *, actor: User, application: Application, comment: str
) -> Application:
    return perform(
        actor=actor, application=application, transition="withdraw_assignment", comment=comment
    )
