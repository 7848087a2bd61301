"""Writes on the registry: registration, verification, edits. All audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.uscc import normalise_uscc
from portal import audit
from portal.errors import ServiceError
from portal.models import Organisation, OrganisationKind, User

# Fields shown in the audit trail of an enterprise edit or import.
ENTERPRISE_FIELDS = [
    "name", "uscc", "region", "street", "address", "industry", "scale", "employees",
    "annual_revenue", "legal_representative", "safety_principal", "contact_name",
    "contact_phone", "group", "safety_licence_no", "safety_licence_expires", "status",
]


@transaction.atomic
def enterprise_register(
    *, uscc: str, name: str, region, street=None, contact_name: str, contact_phone: str,
    username: str, email: str, password: str
) -> Enterprise:
    """Self-registration: a pending enterprise with its account and admin user.

    The enterprise may already be in the registry (imported by its district);
    it is then linked, unless it already has an account.
    """
    uscc = normalise_uscc(uscc)
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("The username “%(name)s” is taken.") % {"name": username},
                           field="username")
    enterprise = Enterprise.objects.select_for_update().filter(uscc=uscc).first()
    if enterprise is not None and enterprise.account_id:
        raise ServiceError(
            _("An account for this unified social credit code already exists; ask its "
              "administrator to invite you."),
            field="uscc",
        )
    if enterprise is not None and enterprise.region_id != region.pk:
        raise ServiceError(
            _("This enterprise is registered in %(district)s; choose that district.")
            % {"district": enterprise.region},
            field="region",
        )
    if Organisation.objects.filter(name=name).exists():
        raise ServiceError(_("An organisation with this name already has an account."),
                           field="name")
    account = Organisation.objects.create(
        name=name, kind=OrganisationKind.ENTERPRISE, status=Organisation.Status.PENDING,
        region=region, contact_name=contact_name, contact_phone=contact_phone,
    )
    if enterprise is None:
        enterprise = Enterprise(uscc=uscc, status=Enterprise.Status.PENDING)
    enterprise.name = name
    enterprise.region = region
    enterprise.street = street
    enterprise.contact_name = contact_name
    enterprise.contact_phone = contact_phone
    enterprise.account = account
    if enterprise.status != Enterprise.Status.ACTIVE:
        enterprise.status = Enterprise.Status.PENDING
    enterprise.full_clean()
    try:
        enterprise.save()
    except IntegrityError:
        raise ServiceError(_("This unified social credit code is already registered."),
                           field="uscc") from None
    user = User(username=username, email=email, organisation=account, role=User.Role.ADMIN,
                first_name=contact_name, phone=contact_phone)
    user.set_password(password)
    user.save()
    audit.record(actor=user, action="enterprise.register", obj=enterprise,
                 after=audit.snapshot(enterprise, ["name", "uscc", "region", "street",
                                                   "contact_name", "contact_phone"]))
    return enterprise


def _lock_pending(enterprise: Enterprise) -> Enterprise:
    """Lock the enterprise and its account; refuse unless the account is pending."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    account = None
    if enterprise.account_id:
        # Locked separately: PostgreSQL cannot lock the nullable side of a join.
        account = Organisation.objects.select_for_update().get(pk=enterprise.account_id)
    if account is None or account.status != Organisation.Status.PENDING:
        raise ServiceError(_("This registration is not waiting for verification."))
    enterprise.account = account
    return enterprise


@transaction.atomic
def registration_approve(*, actor: User, enterprise: Enterprise) -> Enterprise:
    enterprise = _lock_pending(enterprise)
    account = enterprise.account
    before = {"status": enterprise.status, "account_status": account.status}
    enterprise.status = Enterprise.Status.ACTIVE
    enterprise.status_reason = ""
    enterprise.save(update_fields=["status", "status_reason", "updated_at"])
    account.status = Organisation.Status.ACTIVE
    account.status_reason = ""
    account.save(update_fields=["status", "status_reason"])
    audit.record(actor=actor, action="enterprise.registration.approve", obj=enterprise,
                 before=before, after={"status": enterprise.status,
                                       "account_status": account.status})
    return enterprise


@transaction.atomic
def registration_reject(*, actor: User, enterprise: Enterprise, reason: str) -> Enterprise:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the enterprise a reason for the rejection."), field="reason")
    enterprise = _lock_pending(enterprise)
    account = enterprise.account
    before = {"status": enterprise.status, "account_status": account.status}
    # An enterprise that was already in the registry stays active there; only
    # the account request is refused.
    if enterprise.status == Enterprise.Status.PENDING:
        enterprise.status = Enterprise.Status.REJECTED
    enterprise.status_reason = reason
    enterprise.save(update_fields=["status", "status_reason", "updated_at"])
    account.status = Organisation.Status.REJECTED
    account.status_reason = reason
    account.save(update_fields=["status", "status_reason"])
    audit.record(actor=actor, action="enterprise.registration.reject", obj=enterprise,
                 before=before, after={"status": enterprise.status,
                                       "account_status": account.status, "reason": reason})
    return enterprise


@transaction.atomic
def enterprise_save(*, actor: User, enterprise: Enterprise) -> Enterprise:
    """Create or update a registry entry from a validated form or serializer."""
    creating = enterprise.pk is None
    before = None
    if not creating:
        before = audit.snapshot(
            Enterprise.objects.select_for_update().get(pk=enterprise.pk), ENTERPRISE_FIELDS
        )
    enterprise.uscc = normalise_uscc(enterprise.uscc)
    enterprise.full_clean()
    enterprise.save()
    after = audit.snapshot(enterprise, ENTERPRISE_FIELDS)
    if creating:
        audit.record(actor=actor, action="enterprise.create", obj=enterprise, after=after)
    else:
        old, new = audit.changed(before, after)
        if new:
            audit.record(actor=actor, action="enterprise.update", obj=enterprise, before=old,
                         after=new)
    return enterprise
