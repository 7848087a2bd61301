"""Who reviews an application: the review unit and its team."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certification.models.applications import Application
from portal.models import Organisation
from reviews.models import Reviewer

if TYPE_CHECKING:
    from certification.models.onsite import ReportSignoff


class Assignment(models.Model):
    """One review unit's assignment to an application. An application has at
    most one current assignment (withdrawn_at is null); earlier ones stay as
    history, and count for the "reviewed it within N years" conflict rule."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("review unit"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.unit}"

    @property
    def is_flagged(self) -> bool:
        """A current assignment to a unit that is no longer active needs attention."""
        return self.withdrawn_at is None and self.unit.status != Organisation.Status.ACTIVE


class AssignmentMember(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="members")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="+")
    is_leader = models.BooleanField(pgettext_lazy("review team", "team leader"), default=False)
    # The reviewer's signed no-conflict declaration.
    declaration_signed_at = models.DateTimeField(_("declaration signed"), null=True, blank=True)
    declaration_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Not columns: set by the views on the rows they show (for their templates).
    signoff: ReportSignoff | None
    may_sign: bool

    class Meta:
        ordering = ["-is_leader", "reviewer__name"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "reviewer"], name="member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} @ {self.assignment_id}"
