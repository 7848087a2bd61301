"""Review bodies: the reviewers of a review unit, and the relations that make
a unit conflicted for an enterprise. Units themselves are portal
Organisations (kind review_unit) with Qualifications (industry × tier)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from portal.fields import BoundedTextField
from portal.models import Industry, Organisation

if TYPE_CHECKING:
    from reviews.bodies.figures import ReviewerFigures
    from reviews.bodies.selectors import Figures


class Reviewer(models.Model):
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="reviewers",
        limit_choices_to={"kind": "review_unit"},
        verbose_name=_("review unit"),
    )
    # The reviewer's own login, when they have one (to sign declarations).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewer",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=50)
    certificate_no = models.CharField(_("training certificate number"), max_length=40, unique=True)
    specialties = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("specialties")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not columns: set by the views on the rows they show (for their templates).
    figures: Figures
    year_figures: ReviewerFigures

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")

    def __str__(self) -> str:
        return f"{self.name} ({self.certificate_no})"


class ConflictRelation(models.Model):
    """A recorded reason a review unit may not review an enterprise."""

    class Kind(models.TextChoices):
        CONSULTING = "consulting", _("Consulted for the enterprise")
        OWNERSHIP = "ownership", _("Shares ownership with the enterprise")

    unit = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="conflict_relations",
        limit_choices_to={"kind": "review_unit"},
        verbose_name=_("review unit"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="conflict_relations",
        verbose_name=_("enterprise"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")

    def __str__(self) -> str:
        return f"{self.unit} · {self.enterprise} · {self.get_kind_display()}"


class DisqualificationProposal(models.Model):
    """A proposal to disqualify a review unit (取消评审单位资格): the organising unit
    proposes with its reason and evidence; the industry regulator of one of the unit's
    qualification industries, or the city office, decides. The unit is disqualified
    only by an approving decision (reviews/bodies/disqualification.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the decision")
        APPROVED = "approved", _("Disqualified")
        REFUSED = "refused", _("Refused")

    unit = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="disqualification_proposals",
        limit_choices_to={"kind": "review_unit"},
        verbose_name=_("review unit"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = BoundedTextField(_("reason"), max_length=2000)
    evidence = BoundedTextField(_("evidence"), max_length=4000)
    # The unit's failed spot checks in the year of the proposal, as the proposer saw them.
    failed_spot_checks = models.PositiveSmallIntegerField(_("failed spot checks this year"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = BoundedTextField(_("reasons for the decision"), max_length=2000, blank=True)

    # Not columns: set by the proposals page on the rows it shows.
    may_decide: bool
    decision_form: Any

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("disqualification proposal")
        verbose_name_plural = _("disqualification proposals")
        constraints = [
            # One open proposal per unit: a second waits for the first's decision.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(status="pending"),
                name="one_pending_disqualification",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_status_display()}"
