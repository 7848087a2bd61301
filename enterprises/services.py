"""Writes on the registry: registration, verification, edits. All audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import signals
from enterprises.models import ENTERPRISE_FIELDS, Enterprise, RegistrationClaim
from enterprises.uscc import normalise_uscc
from portal import audit
from portal.errors import ServiceError
from portal.fields import limit_of
from portal.models import Organisation, OrganisationKind, Region, Street, User
from portal.permissions import can_edit_enterprise

# What a registration claims about an enterprise, applied to the registry only when
# the district approves it.
CLAIMED_FIELDS = ["name", "street", "contact_name", "contact_phone"]
REASON_MAX_LENGTH = 2000


@transaction.atomic
def enterprise_register(
    *,
    uscc: str,
    name: str,
    region: Region,
    street: Street | None = None,
    contact_name: str,
    contact_phone: str,
    username: str,
    email: str,
    password: str,
    client_ip: str | None = None,
) -> RegistrationClaim:
    """Self-registration: a claim on the USCC with a pending account and its admin user.

    Nothing in the registry changes: the district verifies the claim first. The
    answer is the same whether or not the USCC is in the registry, in which district,
    or already has an account (that claim is marked as a dispute for the district),
    so a visitor learns nothing about other enterprises from it.
    """
    uscc = normalise_uscc(uscc)
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(
            _("The username “%(name)s” is taken.") % {"name": username}, field="username"
        )
    if street is not None and street.region_id != region.pk:
        raise ServiceError(_("This street or town is not in the chosen district."), field="street")
    known = Enterprise.objects.filter(uscc=uscc).first()
    account = Organisation.objects.create(
        # Unique for now; named after the claim just below, once its id is known.
        name=f"registration {uuid.uuid4().hex}",
        kind=OrganisationKind.ENTERPRISE,
        status=Organisation.Status.PENDING,
        region=region,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    # Always suffixed while pending: organisation names are unique, and whether the
    # plain name is taken must not show.
    suffix = f" #{account.pk}"
    account.name = name[: limit_of(Organisation, "name") - len(suffix)] + suffix
    account.save(update_fields=["name"])
    claim = RegistrationClaim(
        uscc=uscc,
        name=name,
        region=region,
        street=street,
        contact_name=contact_name,
        contact_phone=contact_phone,
        account=account,
        district_id=known.region_id if known else region.pk,
        enterprise=known,
        dispute=bool(known and known.account_id),
        client_ip=client_ip,
    )
    claim.full_clean()
    claim.save()
    user = User(
        username=username,
        email=email,
        organisation=account,
        role=User.Role.ADMIN,
        first_name=contact_name,
        phone=contact_phone,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same username, registered a moment ago
        raise ServiceError(
            _("The username “%(name)s” is taken.") % {"name": username}, field="username"
        ) from None
    audit.record(
        actor=user,
        action="enterprise.registration.claim",
        obj=claim,
        after=audit.snapshot(
            claim,
            [
                "uscc",
                "name",
                "region",
                "street",
                "contact_name",
                "contact_phone",
                "district",
                "enterprise",
                "dispute",
                "client_ip",
            ],
        ),
    )
    return claim


def _lock_pending(claim: RegistrationClaim) -> RegistrationClaim:
    """Lock the claim and its account; refuse unless the claim awaits a decision."""
    claim = RegistrationClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != RegistrationClaim.Status.PENDING:
        raise ServiceError(_("This registration is not waiting for verification."))
    claim.account = Organisation.objects.select_for_update().get(pk=claim.account_id)
    return claim


def _decided(claim: RegistrationClaim, *, actor: User, status: str, reason: str = "") -> None:
    claim.status = status
    claim.reason = reason
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "reason", "decided_by", "decided_at", "enterprise"])


@transaction.atomic
def registration_approve(*, actor: User, claim: RegistrationClaim) -> RegistrationClaim:
    """The district confirms the claim: the registry entry is created, or the existing
    one (which has no account) is linked and takes the claimed name and contact."""
    claim = _lock_pending(claim)
    account = claim.account
    enterprise = Enterprise.objects.select_for_update().filter(uscc=claim.uscc).first()
    registry_before = None
    if enterprise is not None:
        if enterprise.account_id is not None:
            raise ServiceError(
                _(
                    "This enterprise already has an account, so the registration is a dispute: "
                    "reject it with a reason. Its administrator can invite colleagues."
                )
            )
        if not can_edit_enterprise(actor, enterprise):
            raise ServiceError(
                _(
                    "This enterprise is registered in another district; that "
                    "district decides on the registration."
                )
            )
        registry_before = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
        copied_before = signals.copied_of(enterprise)
        enterprise.name = claim.name
        if claim.street is not None and claim.street.region_id == enterprise.region_id:
            enterprise.street = claim.street
        enterprise.contact_name = claim.contact_name
        enterprise.contact_phone = claim.contact_phone
        if enterprise.status in (Enterprise.Status.PENDING, Enterprise.Status.REJECTED):
            enterprise.status = Enterprise.Status.ACTIVE
            enterprise.status_reason = ""
    else:
        enterprise = Enterprise(
            uscc=claim.uscc,
            name=claim.name,
            region=claim.region,
            street=claim.street,
            contact_name=claim.contact_name,
            contact_phone=claim.contact_phone,
            status=Enterprise.Status.ACTIVE,
        )
    if Organisation.objects.filter(name=enterprise.name).exclude(pk=account.pk).exists():
        raise ServiceError(
            _(
                "Another organisation is already named “%(name)s”; tell the two "
                "apart before approving."
            )
            % {"name": enterprise.name}
        )
    enterprise.account = account
    enterprise.full_clean()
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:  # created a moment ago by an import or another approval
        raise ServiceError(
            _("This unified social credit code was registered meanwhile; reload the page.")
        ) from None
    registry_after = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    if registry_before is None:
        audit.record(
            actor=actor,
            action="enterprise.create",
            obj=enterprise,
            after={**registry_after, "source": "registration"},
        )
    else:
        signals.send_changes(enterprise, copied_before)
        old, new = audit.changed(registry_before, registry_after)
        audit.record(
            actor=actor,
            action="enterprise.update",
            obj=enterprise,
            before={**old, "account": None},
            after={**new, "account": account.pk, "source": "registration"},
        )
    account.name = enterprise.name
    account.region = enterprise.region
    account.status = Organisation.Status.ACTIVE
    account.status_reason = ""
    account.save(update_fields=["name", "region", "status", "status_reason"])
    claim.enterprise = enterprise
    _decided(claim, actor=actor, status=RegistrationClaim.Status.APPROVED)
    before = {
        "status": RegistrationClaim.Status.PENDING,
        "account_status": Organisation.Status.PENDING,
    }
    if registry_before is not None:
        before.update(
            {
                key: registry_before[key]
                for key in ("name", "street", "contact_name", "contact_phone")
            }
        )
    audit.record(
        actor=actor,
        action="enterprise.registration.approve",
        obj=claim,
        before=before,
        after={
            "status": claim.status,
            "account_status": account.status,
            "enterprise": enterprise.pk,
            **audit.snapshot(enterprise, CLAIMED_FIELDS),
        },
    )
    return claim


@transaction.atomic
def registration_reject(*, actor: User, claim: RegistrationClaim, reason: str) -> RegistrationClaim:
    """The district turns the claim down: the registry stays as it is, the account
    stays unable to act, and the USCC remains open to other registrations."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the enterprise a reason for the rejection."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ServiceError(
            _("Keep the reason within %(limit)d characters.") % {"limit": REASON_MAX_LENGTH},
            field="reason",
        )
    claim = _lock_pending(claim)
    account = claim.account
    _decided(claim, actor=actor, status=RegistrationClaim.Status.REJECTED, reason=reason)
    account.status = Organisation.Status.REJECTED
    account.status_reason = reason
    account.save(update_fields=["status", "status_reason"])
    audit.record(
        actor=actor,
        action="enterprise.registration.reject",
        obj=claim,
        before={
            "status": RegistrationClaim.Status.PENDING,
            "account_status": Organisation.Status.PENDING,
        },
        after={"status": claim.status, "account_status": account.status, "reason": reason},
    )
    return claim


@transaction.atomic
def enterprise_save(*, actor: User, enterprise: Enterprise) -> Enterprise:
    """Create or update a registry entry from a validated form or serializer."""
    creating = enterprise.pk is None
    before: dict[str, Any] = {}
    copied: dict[str, object] = {}
    if not creating:
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        before = audit.snapshot(locked, ENTERPRISE_FIELDS)
        copied = signals.copied_of(locked)
    enterprise.uscc = normalise_uscc(enterprise.uscc)
    enterprise.full_clean()
    enterprise.save()
    after = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    if creating:
        audit.record(actor=actor, action="enterprise.create", obj=enterprise, after=after)
    else:
        signals.send_changes(enterprise, copied)
        old, new = audit.changed(before, after)
        if new:
            audit.record(
                actor=actor, action="enterprise.update", obj=enterprise, before=old, after=new
            )
    return enterprise
