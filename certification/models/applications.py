"""Applications for a grade, their materials and their timeline.

The states and the moves between them are declared in certification/workflow.py;
only the workflow engine (certification/engine.py) changes ``status``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.name_copy import EnterpriseNameCopy
from enterprises.place_copy import EnterprisePlace
from portal import scoping
from portal.fields import BoundedTextField
from portal.models import Industry, Organisation, StoredFile
from reviews.models import Assessment


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ACCEPTED = "accepted", _("Accepted")
    NATIONAL = "national", _("Forwarded to the national organising unit")
    NATIONAL_DECIDED = "national_decided", _("Decided nationally")
    ASSIGNED = "assigned", _("Review unit assigned")
    ON_SITE_REVIEW = "on_site_review", _("On-site review")
    RECTIFICATION = "rectification", _("Rectification")
    REPORTED = "reported", _("Review reported")
    # The review reached a grade below the one applied for: the enterprise
    # consents to it (it then goes to that grade's authority) or withdraws.
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting consent to a lower grade")
    VERIFIED = "verified", _("Verified")
    # Approved (核准) by the grading authority, which publicises and announces.
    APPROVED = "approved", _("Approved by the grading authority")
    PUBLICITY = "publicity", _("Publicity")
    ANNOUNCED = "announced", _("Announced")


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user) -> ApplicationQuerySet:
        return scoping.apply(self, user)


class Application(EnterprisePlace, EnterpriseNameCopy):
    class Tier(models.TextChoices):
        LEVEL_1 = "1", _("Level 1")
        LEVEL_2 = "2", _("Level 2")
        LEVEL_3 = "3", _("Level 3")
        PASS = "pass", _("Small and micro / post standard")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("enterprise"),
    )
    # Who applied: the enterprise's own account, or its group applying for it.
    applicant = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("applicant")
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("self-assessment"),
    )
    tier = models.CharField(_("grade applied for"), max_length=5, choices=Tier.choices)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="+", verbose_name=_("industry")
    )
    receiver = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        db_index=False,  # app_queue_idx and app_received_place_idx lead with it
        related_name="received_applications",
        verbose_name=_("received by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(_("since"), auto_now_add=True)
    # The date the current step is due (working days from its start); None when
    # the step has no time limit or the clock is paused.
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    due_is_estimated = models.BooleanField(default=False)
    # The last day a reminder went out for the current step (reminders run daily
    # and must not repeat themselves).
    reminded_on = models.DateField(null=True, blank=True)
    # Accident-record declaration (domain.md §3.4).
    deaths_last_year = models.PositiveSmallIntegerField(_("deaths in the last year"), default=0)
    serious_injuries_last_year = models.PositiveSmallIntegerField(
        _("serious injuries in the last year"), default=0
    )
    accidents_last_3_years = BoundedTextField(
        _("accidents in the last three years"), max_length=4000, blank=True
    )
    declaration_confirmed = models.BooleanField(
        _("I declare the accident record complete and true"), default=False
    )
    # Level 1 is handled nationally: its external result is entered here.
    national_result = models.CharField(
        _("national result"),
        max_length=10,
        blank=True,
        choices=[("approved", _("Approved")), ("refused", _("Refused"))],
    )
    national_reference = models.CharField(_("national reference"), max_length=100, blank=True)
    # The grade the review found and verification approved; may be lower than
    # the tier applied for (domain.md §4.2). Announced and certified.
    granted_tier = models.CharField(
        _("grade reached"), max_length=5, blank=True, choices=Tier.choices
    )
    # The grading authority (定级部门) of the grade reached: it approves,
    # publicises and announces (certification/approval/rules.py). Set when
    # the application reaches it (verified or renewal confirmed).
    authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # app_authority_queue_idx and app_graded_place_idx lead with it
        related_name="graded_applications",
        verbose_name=_("grading authority"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            # Work queues: an organisation's applications in a state, due first.
            models.Index(fields=["receiver", "status", "due_on"], name="app_queue_idx"),
            models.Index(fields=["authority", "status", "due_on"], name="app_authority_queue_idx"),
            models.Index(fields=["enterprise", "-created_at"], name="app_enterprise_idx"),
            # The application list's order (selectors.list_ordering): walked in order,
            # PostgreSQL stops after the page instead of sorting everything in scope.
            models.Index(fields=["due_on", "-created_at", "-id"], name="app_list_idx"),
            # The same order within one state: the list filtered by status, and the
            # check for past due dates in states nobody acts on (list_ordering).
            models.Index(
                fields=["status", "due_on", "-created_at", "-id"], name="app_status_list_idx"
            ),
            # A district's (a street's) list in that order, within a state or not, and its
            # status tabs' counts from the index alone.
            models.Index(
                fields=["region", "status", "due_on", "-created_at", "-id"],
                name="app_region_list_idx",
            ),
            models.Index(
                fields=["region", "due_on", "-created_at", "-id"], name="app_region_order_idx"
            ),
            models.Index(fields=["street", "status"], name="app_street_status_idx"),
            # A regulator's: its industries' status tabs (the enterprise's industry).
            models.Index(fields=["enterprise_industry", "status"], name="app_industry_status_idx"),
            # An organising unit's: its qualifications' (industry, tier) pairs, each state's
            # capped count (selectors.capped_counts) without walking the table for the rare ones.
            models.Index(fields=["industry", "tier", "status"], name="app_qualification_idx"),
            # What a district received or grades outside its own place (an enterprise that
            # moved away): ranges of region below and above its own, counted from the index.
            models.Index(fields=["receiver", "region", "status"], name="app_received_place_idx"),
            models.Index(fields=["authority", "region", "status"], name="app_graded_place_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_tier_display()}"


class MaterialKind(models.TextChoices):
    RULES = "rules", _("List of safety rules and regulations")
    ORG_CHART = "org_chart", _("Organisation chart and safety staff roster")
    ACCIDENTS = "accidents", _("Accidents of the last three years")
    MAJOR_HAZARDS = "major_hazards", _("Major hazard sources")
    SELF_ASSESSMENT_REPORT = "self_assessment_report", _("Self-assessment report")
    OTHER = "other", _("Other material")


# The materials an application needs before it can be submitted (domain.md §4.2).
REQUIRED_MATERIALS = [
    MaterialKind.RULES,
    MaterialKind.ORG_CHART,
    MaterialKind.ACCIDENTS,
    MaterialKind.MAJOR_HAZARDS,
    MaterialKind.SELF_ASSESSMENT_REPORT,
]


def material_path(instance: Material, filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.sha256}"


class Material(StoredFile):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=30, choices=MaterialKind.choices)
    file = models.FileField(upload_to=material_path, max_length=300)

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")


class ApplicationEvent(models.Model):
    """The timeline: one row per transition, written in the same transaction."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True
    )
    comment = BoundedTextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Working days of the step this move ends (certification/steps.py), for the
    # statistics; None when it ends none.
    step_days = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The steps ended in a period (reporting/statistics/reviews.py), read
            # from the index alone on PostgreSQL.
            models.Index(
                fields=["created_at"],
                name="app_event_step_idx",
                include=["application", "from_status", "step_days"],
                condition=models.Q(step_days__isnull=False),
            ),
            # The applications with a given move in a period (accepted, returned …).
            models.Index(
                fields=["transition", "created_at"],
                name="app_event_move_idx",
                include=["application"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"
