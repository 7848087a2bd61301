"""Disqualifying a review unit (取消评审单位资格) in two hands:

1. the review organising unit that manages the unit proposes it, with its reason and
   evidence (the failed spot checks of the year, complaints, false reports);
2. the industry regulator (行业管理部门) of one of the unit's qualification industries, or
   the city safety committee office, decides: approve (the unit's status becomes
   disqualified) or refuse, giving its reasons.

Both steps are audited and notify the other side. The proposer never disqualifies by
itself: reviews.bodies.services.unit_set_status does not offer "disqualified".
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import audit
from portal.errors import ServiceError
from portal.models import Organisation, OrganisationKind, Qualification, User
from portal.notify import message, notify_after_commit
from portal.types import AnyUser
from reviews.bodies import figures as year_figures
from reviews.bodies.selectors import units_managed_by
from reviews.models import DisqualificationProposal

Status = DisqualificationProposal.Status


def _acting(user: AnyUser) -> Organisation | None:
    if not (user.is_authenticated and user.can_act):
        return None
    return user.organisation


def may_propose(user: AnyUser, unit: Organisation) -> bool:
    org = _acting(user)
    return (
        org is not None
        and org.kind == OrganisationKind.ORGANISING_UNIT
        and units_managed_by(user).filter(pk=unit.pk).exists()
    )


def units_decided_by(user: AnyUser) -> QuerySet[Organisation]:
    """The review units whose disqualification the user decides: every one for the city
    office; for a regulator, those qualified in an industry it regulates."""
    org = _acting(user)
    units = Organisation.objects.filter(kind=OrganisationKind.REVIEW_UNIT)
    if org is None:
        return units.none()
    if org.kind == OrganisationKind.CITY_OFFICE:
        return units
    if org.kind == OrganisationKind.REGULATOR:
        regulated = org.industries.values("pk")
        return units.filter(
            pk__in=Qualification.objects.filter(industry__in=regulated).values("organisation")
        )
    return units.none()


def may_decide(user: AnyUser, unit: Organisation) -> bool:
    return units_decided_by(user).filter(pk=unit.pk).exists()


# Who has a proposals page: the deciders, the proposers and the review units themselves.
PROPOSAL_READERS = (
    OrganisationKind.CITY_OFFICE,
    OrganisationKind.REGULATOR,
    OrganisationKind.ORGANISING_UNIT,
    OrganisationKind.REVIEW_UNIT,
)


def may_see_proposals(user: AnyUser) -> bool:
    org = _acting(user)
    return org is not None and org.kind in PROPOSAL_READERS


def proposals_visible_to(user: AnyUser) -> QuerySet[DisqualificationProposal]:
    """The proposals of the units the user manages, decides on, or is."""
    org = _acting(user)
    if org is None:
        return DisqualificationProposal.objects.none()
    condition = Q(unit__in=units_managed_by(user)) | Q(unit__in=units_decided_by(user))
    if org.kind == OrganisationKind.REVIEW_UNIT:
        condition |= Q(unit=org)
    return DisqualificationProposal.objects.filter(condition)


def _deciders(unit: Organisation) -> list[int]:
    industries = Qualification.objects.filter(organisation=unit).values("industry")
    return list(
        Organisation.objects.filter(status=Organisation.Status.ACTIVE)
        .filter(
            Q(kind=OrganisationKind.CITY_OFFICE)
            | Q(kind=OrganisationKind.REGULATOR, industries__in=industries)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


@transaction.atomic
def proposal_create(
    *, actor: User, unit: Organisation, reason: str, evidence: str
) -> DisqualificationProposal:
    """The organising unit proposes; refuses (writing nothing) without a reason or
    evidence, for a unit already disqualified, or while a proposal awaits its decision."""
    from django.core.exceptions import PermissionDenied

    proposer = actor.organisation
    if proposer is None or not may_propose(actor, unit):
        raise PermissionDenied
    reason, evidence = (reason or "").strip(), (evidence or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the proposal."), field="reason")
    if not evidence:
        raise ServiceError(
            _("Name the evidence: the failed spot checks, reports or complaints."),
            field="evidence",
        )
    unit = Organisation.objects.select_for_update().get(pk=unit.pk)
    if unit.status == Organisation.Status.DISQUALIFIED:
        raise ServiceError(_("The unit is already disqualified."))
    year = year_figures.current_year()
    failed = year_figures.unit_figures(unit, year).spot_checks_failed
    try:
        with transaction.atomic():
            proposal = DisqualificationProposal.objects.create(
                unit=unit,
                reason=reason,
                evidence=evidence,
                failed_spot_checks=failed,
                proposed_by=actor,
                proposer=proposer,
            )
    except IntegrityError:
        raise ServiceError(
            _("A proposal to disqualify this unit already awaits its decision.")
        ) from None
    audit.record(
        actor=actor,
        action="review_unit.disqualification.propose",
        obj=unit,
        after={
            "proposal": proposal.pk,
            "reason": reason,
            "evidence": evidence,
            "failed_spot_checks": failed,
            "year": year,
        },
    )
    text = message(
        gettext_noop(
            "%(proposer)s proposes to disqualify review unit %(unit)s (%(count)d failed spot "
            "checks this year): %(reason)s"
        ),
        proposer=proposer.name,
        unit=unit.name,
        count=failed,
        reason=reason,
    )
    # The deciders' page: a regulator does not see the unit's own page.
    notify_after_commit(_deciders(unit), text, reverse("review_bodies:disqualifications"))
    return proposal


@transaction.atomic
def proposal_decide(
    *, actor: User, proposal: DisqualificationProposal, approve: bool, reason: str
) -> DisqualificationProposal:
    """The regulator of the unit's industries or the city office approves (the unit is
    disqualified) or refuses, with its reasons; a decided proposal stays as it is."""
    from django.core.exceptions import PermissionDenied

    proposal = (
        DisqualificationProposal.objects.select_for_update()
        .select_related("unit")
        .get(pk=proposal.pk)
    )
    unit = proposal.unit
    if not may_decide(actor, unit):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reasons for the decision."), field="reason")
    if proposal.status != Status.PENDING:
        raise ServiceError(
            _("This proposal was already decided: %(status)s.")
            % {"status": proposal.get_status_display()}
        )
    proposal.status = Status.APPROVED if approve else Status.REFUSED
    proposal.decided_by, proposal.decider = actor, actor.organisation
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.save(
        update_fields=["status", "decided_by", "decider", "decided_at", "decision_reason"]
    )
    if approve:
        unit = Organisation.objects.select_for_update().get(pk=unit.pk)
        before = {"status": unit.status, "status_reason": unit.status_reason}
        unit.status = Organisation.Status.DISQUALIFIED
        unit.status_reason = reason
        unit.save(update_fields=["status", "status_reason"])
        audit.record(
            actor=actor,
            action="review_unit.status",
            obj=unit,
            before=before,
            after={"status": unit.status, "status_reason": reason, "proposal": proposal.pk},
        )
    audit.record(
        actor=actor,
        action="review_unit.disqualification.decide",
        obj=unit,
        after={"proposal": proposal.pk, "decision": proposal.status, "reason": reason},
    )
    text = message(
        gettext_noop(
            "The proposal to disqualify review unit %(unit)s was %(decision)s: %(reason)s"
        ),
        unit=unit.name,
        decision=message(gettext_noop("approved") if approve else gettext_noop("refused")),
        reason=reason,
    )
    notify_after_commit(
        [unit.pk, proposal.proposer_id], text, reverse("review_bodies:detail", args=[unit.pk])
    )
    return proposal
