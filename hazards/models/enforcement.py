"""Government inspections (执法检查) with their 责令限期整改指令书 and follow-up review
(整改复查意见书), and tip-offs (举报). The order's items and a verified tip-off become
ledger rows; a tip-off's reporter is visible to the receiving office only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from hazards.models.ledger import Hazard
from portal import scoping
from portal.fields import BoundedTextField


class GovernmentInspectionQuerySet(models.QuerySet["GovernmentInspection"]):
    def visible_to(self, user) -> GovernmentInspectionQuerySet:
        return scoping.apply(self, user)


class GovernmentInspection(models.Model):
    class Status(models.TextChoices):
        ORDERED = "ordered", _("Rectification ordered (责令限期整改)")
        REVIEWED = "reviewed", _("Follow-up review done (已复查)")

    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspecting office"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="government_inspections"
    )
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    summary = BoundedTextField(_("findings"), max_length=4000, blank=True)
    # 责令限期整改指令书
    order_number = models.CharField(_("order number"), max_length=60, unique=True)
    order_deadline = models.DateField(_("rectify by"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ORDERED)
    # 整改复查意见书
    review_number = models.CharField(_("follow-up review number"), max_length=60, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_opinion = BoundedTextField(_("follow-up review opinion"), max_length=4000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GovernmentInspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("government inspection")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order_deadline__gte=models.F("inspected_on")),
                name="gov_inspection_deadline_not_before",
            ),
        ]

    def __str__(self) -> str:
        return self.order_number


class OrderItem(models.Model):
    """One item of the order, and the ledger row it became (source 执法检查)."""

    inspection = models.ForeignKey(
        GovernmentInspection, on_delete=models.CASCADE, related_name="items"
    )
    hazard = models.OneToOneField(Hazard, on_delete=models.PROTECT, related_name="order_item")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.hazard_id}"


class TipOffQuerySet(models.QuerySet["TipOff"]):
    def visible_to(self, user) -> TipOffQuerySet:
        return scoping.apply(self, user)


class TipOff(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONFIRMED = "confirmed", _("Confirmed: hazard recorded")
        UNFOUNDED = "unfounded", _("Not confirmed")

    receiving_office = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving office"),
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="tip_offs")
    received_on = models.DateField(_("received on"))
    content = BoundedTextField(_("what was reported"), max_length=4000)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # Seen by the receiving office only (hazards/selectors.py, the serializers).
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    outcome = BoundedTextField(_("outcome"), max_length=2000, blank=True)
    hazard = models.OneToOneField(
        Hazard, on_delete=models.PROTECT, null=True, blank=True, related_name="tip_off"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TipOffQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("tip-off")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False)
                | (models.Q(reporter_name="") & models.Q(reporter_contact="")),
                name="tip_off_anonymous_has_no_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.received_on}"
