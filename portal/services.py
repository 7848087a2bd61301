"""Writes on organisations and users. Each one is atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal import audit
from portal.errors import ServiceError
from portal.models import (
    Industry,
    Organisation,
    OrganisationKind,
    Qualification,
    Region,
    Street,
    User,
)

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "status",
    "status_reason",
    "region",
    "street",
    "contact_name",
    "contact_phone",
]


def _org_snapshot(org: Organisation) -> dict[str, Any]:
    data = audit.snapshot(org, ORGANISATION_FIELDS)
    data["industries"] = sorted(org.industries.values_list("pk", flat=True))
    data["qualifications"] = sorted(
        f"{industry}:{tier}"
        for industry, tier in org.qualifications.values_list("industry", "tier")
    )
    return data


def street_office_error(
    *,
    kind: str,
    street: Street | None,
    region: Region | None,
    status: str,
    pk: int | None,
) -> ServiceError | None:
    """What is wrong with an organisation's street, or None: a street or town office has
    exactly one street, in its district, and no other active office of that street;
    no other kind has a street."""
    if kind != OrganisationKind.STREET:
        if street is not None:
            return ServiceError(
                _("Only a street or town office has a street or town."), field="street"
            )
        return None
    if street is None:
        return ServiceError(_("A street or town office needs its street or town."), field="street")
    if region is not None and region.pk != street.region_id:
        return ServiceError(
            _("%(street)s is not in %(district)s.") % {"street": street, "district": region},
            field="street",
        )
    if status == Organisation.Status.ACTIVE:
        others = Organisation.objects.filter(
            kind=OrganisationKind.STREET, street=street, status=Organisation.Status.ACTIVE
        )
        other = (others.exclude(pk=pk) if pk is not None else others).first()
        if other is not None:
            return ServiceError(
                _("%(street)s already has an active office: %(office)s.")
                % {"street": street, "office": other.name},
                field="street",
            )
    return None


@transaction.atomic
def organisation_save(
    *,
    actor: User | None,
    organisation: Organisation,
    industries: Iterable[Industry] | None = None,
    qualifications: Iterable[tuple[Industry, str]] | None = None,
) -> Organisation:
    """Create or update an organisation (city office only; checked by callers).

    ``qualifications`` is a list of (industry, tier) pairs for organising and
    review units.
    """
    creating = organisation.pk is None
    before: dict[str, Any] = {}
    if not creating:
        before = _org_snapshot(Organisation.objects.select_for_update().get(pk=organisation.pk))
    if organisation.kind == OrganisationKind.DISTRICT and not organisation.region_id:
        raise ServiceError(_("A district government needs its district."), field="region")
    if organisation.kind == OrganisationKind.STREET and organisation.street_id:
        # Lock the street so that two offices cannot both become its active one.
        street = Street.objects.select_for_update().get(pk=organisation.street_id)
        if organisation.region_id is None:
            organisation.region = street.region  # its seat
    error = street_office_error(
        kind=organisation.kind,
        street=organisation.street,
        region=organisation.region,
        status=organisation.status,
        pk=organisation.pk,
    )
    if error is not None:
        raise error
    organisation.full_clean()
    organisation.save()
    if industries is not None:
        organisation.industries.set(industries)
    if qualifications is not None:
        organisation.qualifications.all().delete()
        Qualification.objects.bulk_create(
            Qualification(organisation=organisation, industry=industry, tier=tier)
            for industry, tier in qualifications
        )
    after = _org_snapshot(organisation)
    if creating:
        audit.record(actor=actor, action="organisation.create", obj=organisation, after=after)
    else:
        old, new = audit.changed(before, after)
        if new:
            audit.record(
                actor=actor, action="organisation.update", obj=organisation, before=old, after=new
            )
    return organisation


@transaction.atomic
def user_invite(
    *,
    actor: User,
    organisation: Organisation,
    username: str,
    email: str,
    full_name: str = "",
    role: str = User.Role.STAFF,
    phone: str = "",
) -> tuple[User, str]:
    """Create a staff account without a password; returns the user and the
    path of the link where the invitee sets one."""
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(
            _("The username “%(name)s” is taken.") % {"name": username}, field="username"
        )
    if role not in User.Role.values:
        raise ServiceError(_("Unknown role."), field="role")
    user = User(
        username=username,
        email=email,
        first_name=full_name,
        organisation=organisation,
        role=role,
        phone=phone,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor,
        action="user.invite",
        obj=user,
        after={"username": username, "email": email, "organisation": organisation.pk, "role": role},
    )
    return user, invitation_path(user)


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk and not active:
        raise ServiceError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return user


@transaction.atomic
def user_set_role(*, actor: User, user: User, role: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if role not in User.Role.values:
        raise ServiceError(_("Unknown role."), field="role")
    if user.pk == actor.pk and role != User.Role.ADMIN:
        raise ServiceError(_("You cannot remove your own admin role."))
    if user.role == role:
        return user
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    audit.record(
        actor=actor, action="user.role", obj=user, before={"role": before}, after={"role": role}
    )
    return user
