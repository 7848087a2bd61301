"""The enterprise registry."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.uscc import validate_uscc
from portal import scoping
from portal.fields import BoundedTextField
from portal.models import Industry, Organisation, Region, Street


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, user) -> EnterpriseQuerySet:
        return scoping.apply(self, user)


# The registry entry's own fields: edited on its form, and shown in the audit trail of an
# edit or import.
ENTERPRISE_FIELDS = [
    "name",
    "uscc",
    "region",
    "street",
    "address",
    "industry",
    "scale",
    "employees",
    "annual_revenue",
    "legal_representative",
    "safety_principal",
    "contact_name",
    "contact_phone",
    "group",
    "safety_licence_no",
    "safety_licence_expires",
    "status",
]


class Enterprise(models.Model):
    class Scale(models.TextChoices):
        ABOVE = "above", _("Above designated size (规模以上)")
        BELOW = "below", _("Below designated size (规模以下)")
        SMALL_MICRO = "small_micro", _("Small and micro (小微)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        CLOSED = "closed", _("Closed")

    # Indexed with the id below; searched through the trigram and grams indexes of
    # migrations 0003 and 0013 (enterprises/name_search.py).
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("district")
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("street or town"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("industry"),
    )
    scale = models.CharField(_("scale"), max_length=12, choices=Scale.choices, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue (10k CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    safety_principal = models.CharField(
        _("principal responsible for safety"), max_length=50, blank=True
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    group = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_enterprises",
        limit_choices_to={"kind": "group"},
        verbose_name=_("enterprise group"),
    )
    safety_licence_no = models.CharField(_("safety licence number"), max_length=60, blank=True)
    safety_licence_expires = models.DateField(_("safety licence expires"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = BoundedTextField(_("reason"), max_length=2000, blank=True)
    # On a dishonesty list (失信名单): set and cleared by the district or the city
    # office (enterprises/preconditions.py); a listed enterprise may not apply for a grade.
    dishonesty_listed_on = models.DateField(
        _("on the dishonesty list since"), null=True, blank=True
    )
    dishonesty_source = models.CharField(_("dishonesty list"), max_length=200, blank=True)
    dishonesty_reason = BoundedTextField(_("reason for the listing"), max_length=2000, blank=True)
    # The organisation that logs in for this enterprise, once it has an account.
    account = models.OneToOneField(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprise",
        limit_choices_to={"kind": "enterprise"},
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            # The registry in name order, the city's and a district's: the page's ids
            # come from these alone (an index-only scan, also testing a short name
            # fragment on each entry: enterprises/name_search.py).
            models.Index(fields=["name", "id"], name="enterprise_name_id_idx"),
            models.Index(fields=["region", "name", "id"], name="enterprise_region_name_id_idx"),
            # Regulators list enterprises of their industries.
            models.Index(fields=["industry", "name"], name="enterprise_industry_name_idx"),
            # Districts' verification queue.
            models.Index(fields=["status", "region"], name="enterprise_status_region_idx"),
            # A district's scope as a subquery (its enterprises' ids): an index-only scan.
            models.Index(fields=["region", "id"], name="enterprise_region_id_idx"),
            # The active enterprises of a district (who must file a self-report), and the
            # statistics' counts by street, industry and scale: index-only (a district's
            # enterprises are spread over the whole table). INCLUDE: PostgreSQL only.
            models.Index(
                fields=["region", "status", "street", "id"],
                include=["scale", "industry"],
                name="enterprise_region_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationLock(models.Model):
    """A time during which the enterprise may not apply for a grade: one year after a
    grading that reached no grade, or after a revocation (enterprises/preconditions.py)."""

    class Kind(models.TextChoices):
        NOT_REACHED = "not_reached", _("Grading closed without a grade")
        REVOKED = "revoked", _("Certificate revoked")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="application_locks"
    )
    kind = models.CharField(_("why"), max_length=12, choices=Kind.choices)
    since = models.DateField(_("since"))
    # The first day the enterprise may apply again.
    until = models.DateField(_("may apply again from"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-until", "-id"]
        verbose_name = _("application lock")
        verbose_name_plural = _("application locks")
        indexes = [
            # The precondition check: the enterprise's latest lock.
            models.Index(fields=["enterprise", "-until"], name="application_lock_idx")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.kind} → {self.until}"


class RegistrationClaim(models.Model):
    """An enterprise's self-registration: a claim on a USCC that its district verifies.

    Until the district approves it, a claim changes nothing in the registry: the
    claimant's pending organisation is not linked to any enterprise, so it reaches
    nothing but its own status. Several claims on one USCC may be open at once; the
    district sees them side by side.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    # The district the claimant named; the one that decides is ``district``.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street or town"),
    )
    contact_name = models.CharField(_("contact"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    # Who verifies: the district of the registry entry when the USCC is in the
    # registry, else the district the claimant named. Never shown to the claimant.
    district = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="registration_claims",
        verbose_name=_("verifying district"),
    )
    # The claimant's organisation (pending until approved) and its admin user.
    account = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registration_claim",
        verbose_name=_("account"),
    )
    # The registry entry: the one that existed when the claim was made, or the
    # one created or linked by the approval.
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registration_claims",
        verbose_name=_("enterprise"),
    )
    # The USCC already had an account when the claim was made.
    dispute = models.BooleanField(_("dispute"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = BoundedTextField(_("reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        "portal.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            # A district's verification queue, oldest first.
            models.Index(fields=["district", "status", "created_at"], name="claim_queue_idx"),
            models.Index(fields=["uscc"], name="claim_uscc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class AccidentFinding(models.TextChoices):
    PRODUCTION_SAFETY = "production_safety", _("A production-safety accident")
    NOT_PRODUCTION_SAFETY = "not_production_safety", _("Not a production-safety accident")


class Accident(models.Model):
    """A production-safety accident recorded on an enterprise: a
    fatal one flags its certificates for a revocation review
    (certification/lifecycle/rules.py) and feeds the accident-record gate of the
    scoring (reviews/scoring.py, domain.md §3.4)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="accidents", verbose_name=_("enterprise")
    )
    occurred_on = models.DateField(_("date"))
    deaths = models.PositiveSmallIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveSmallIntegerField(_("serious injuries"), default=0)
    direct_loss = models.DecimalField(
        _("direct economic loss (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = BoundedTextField(_("what happened"), max_length=4000)
    recorded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # 事故认定: the investigating government's finding whether this was a
    # production-safety accident (enterprises/accidents.py accident_record_finding).
    # A certificate flagged for a fatal accident is kept only when it was not.
    finding = models.CharField(
        _("accident finding"), max_length=25, choices=AccidentFinding.choices, blank=True
    )
    finding_reference = models.CharField(_("finding reference"), max_length=100, blank=True)
    finding_note = BoundedTextField(_("finding explanation"), max_length=2000, blank=True)
    finding_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finding_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        indexes = [
            models.Index(fields=["enterprise", "-occurred_on"], name="accident_enterprise_idx")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.occurred_on}"


from enterprises.models_import import ImportJob  # noqa: E402,F401
