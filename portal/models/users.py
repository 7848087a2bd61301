from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import scoping
from portal.models.organisations import Organisation, OrganisationKind


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user) -> UserQuerySet:
        return scoping.apply(self, user)


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")
        STAFF = "staff", _("Staff")

    # Null only for break-glass superusers created on the command line.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects: ClassVar[PortalUserManager] = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def kind(self) -> str | None:
        return self.organisation.kind if self.organisation is not None else None

    @property
    def is_org_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_city_office(self) -> bool:
        return self.kind == OrganisationKind.CITY_OFFICE

    @property
    def can_act(self) -> bool:
        """A user of a pending or rejected organisation may log in but not act."""
        return bool(
            self.is_active and self.organisation is not None and self.organisation.is_active
        )
