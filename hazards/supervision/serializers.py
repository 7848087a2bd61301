"""Serializers of the supervision API (hazards/supervision/api.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from hazards.models import (
    CloseApplication,
    EvaluationFile,
    ListingEvaluation,
    MajorHazardReport,
    ReportReceipt,
    SupervisionListing,
    Suspension,
    TreatmentPlan,
)
from hazards.supervision import reports, rules
from hazards.supervision.workflow import MOVES
from portal.api.base import IdField, RejectUnknownFieldsMixin


class ReportReceiptSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = ReportReceipt
        fields = ["id", "organisation", "acknowledged_by", "acknowledged_at"]
        read_only_fields = fields


class MajorReportSerializer(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)
    enterprise_name = serializers.CharField(source="hazard.enterprise.name", read_only=True)
    signed_by = serializers.CharField(source="signed_by.username", read_only=True, allow_null=True)
    receipts = ReportReceiptSerializer(many=True, read_only=True)
    due = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField()

    class Meta:
        model = MajorHazardReport
        fields = ["hazard", "hazard_number", "enterprise_name", *reports.REPORT_FIELDS]
        fields += ["signed_by", "submitted_at", "receipts", "due", "late"]
        read_only_fields = fields

    def get_due(self, report: MajorHazardReport) -> str:
        return rules.report_due(report.hazard).isoformat()

    def get_late(self, report: MajorHazardReport) -> bool:
        return rules.report_late(report.hazard, report)


class ReportFilterSerializer(serializers.Serializer):
    to_acknowledge = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Sent to your office and not acknowledged yet.")
    )


class ReportInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    current_state_and_causes = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    harm_and_difficulty = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    treatment_outline = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    suspension = serializers.ChoiceField(choices=Suspension.choices, required=False)
    workers_congress_on = serializers.DateField(required=False, allow_null=True)


class PlanSerializer(serializers.ModelSerializer):
    approved_by = serializers.CharField(
        source="approved_by.username", read_only=True, allow_null=True
    )
    missing = serializers.SerializerMethodField()

    class Meta:
        model = TreatmentPlan
        fields = ["hazard", *reports.PLAN_PARTS, "approved_by", "approved_at", "missing"]
        read_only_fields = fields

    def get_missing(self, plan: TreatmentPlan) -> list[str]:
        return reports.missing(plan, reports.PLAN_PARTS)


class PlanInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    goals_and_tasks = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    methods_and_measures = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    funds_and_materials = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    organisation_and_people = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    timeline_and_requirements = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    safety_and_emergency = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class ListingSerializer(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)
    enterprise_name = serializers.CharField(source="hazard.enterprise.name", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    next_progress_due = serializers.DateField(read_only=True, allow_null=True)
    progress_overdue = serializers.BooleanField(read_only=True)
    review_due = serializers.DateField(read_only=True, allow_null=True)
    review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = SupervisionListing
        fields = ["id", "number", "level", "issuer", "issuer_name", "hazard", "hazard_number"]
        fields += ["enterprise_name", "listed_on", "deadline", "suspension", "requirements"]
        fields += ["progress_interval_days", "status", "closed_on", "next_progress_due"]
        fields += ["progress_overdue", "review_due", "review_overdue"]
        read_only_fields = fields


class ListingProgressSerializer(serializers.Serializer):
    reported_on = serializers.DateField(read_only=True)
    text = serializers.CharField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)


class ListingEvaluationFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationFile
        fields = ["id", "original_name", "content_type", "size"]
        read_only_fields = fields


class ListingEvaluationSerializer(serializers.ModelSerializer):
    files = ListingEvaluationFileSerializer(many=True, read_only=True)

    class Meta:
        model = ListingEvaluation
        fields = ["id", "by", "body_name", "conclusion", "evaluated_on", "files"]
        read_only_fields = fields


class CloseApplicationSerializer(serializers.ModelSerializer):
    applied_by = serializers.CharField(source="applied_by.username", read_only=True)
    reviewers = serializers.SlugRelatedField[Any](many=True, read_only=True, slug_field="username")

    class Meta:
        model = CloseApplication
        fields = ["id", "text", "applied_by", "applied_at", "review_due", "reviewed_on"]
        fields += ["reviewers", "verdict", "opinion"]
        read_only_fields = fields


class ListingDetailSerializer(ListingSerializer):
    progress_reports = ListingProgressSerializer(many=True, read_only=True)
    evaluations = ListingEvaluationSerializer(many=True, read_only=True)
    close_applications = CloseApplicationSerializer(many=True, read_only=True)
    moves = serializers.SerializerMethodField()

    class Meta(ListingSerializer.Meta):
        fields = [*ListingSerializer.Meta.fields, "progress_reports", "evaluations"]
        fields += ["close_applications", "moves"]
        read_only_fields = fields

    def get_moves(self, listing: SupervisionListing) -> list[str]:
        user = self.context["request"].user
        return [name for name in MOVES if name != "list" and rules.can_move(user, listing, name)]


class ListingFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=SupervisionListing.Status.choices, required=False)
    level = serializers.ChoiceField(choices=SupervisionListing.Level.choices, required=False)
    mine = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Issued by your organisation.")
    )
    review_due = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Applications to close awaiting the review.")
    )
    progress_overdue = serializers.BooleanField(
        required=False, help_text=gettext_lazy("The next progress report is late.")
    )


class ListingCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    hazard = IdField(help_text=gettext_lazy("The major hazard's id."))
    listed_on = serializers.DateField(required=False)
    deadline = serializers.DateField()
    suspension = serializers.ChoiceField(choices=Suspension.choices)
    requirements = serializers.CharField(max_length=4000)
    progress_interval_days = serializers.IntegerField(min_value=1, max_value=366, default=15)


class ListingTextSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class EvaluationInputSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=ListingEvaluation.By.choices)
    body_name = serializers.CharField(max_length=200)
    conclusion = serializers.CharField(max_length=4000)
    evaluated_on = serializers.DateField()
    file = serializers.FileField(help_text=gettext_lazy("The evaluation report: PDF, JPG or PNG."))


class ReviewInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    verdict = serializers.ChoiceField(choices=CloseApplication.Verdict.choices)
    reviewers = serializers.ListField(
        child=IdField(),
        help_text=gettext_lazy("User ids of at least two officials of the issuing office."),
    )
    reviewed_on = serializers.DateField(required=False)
    opinion = serializers.CharField(max_length=4000)


class PublicListingSerializer(serializers.ModelSerializer):
    """What the public sees: never an internal id, never a tip-off's reporter."""

    enterprise_name = serializers.CharField(source="hazard.enterprise.name", read_only=True)
    hazard_summary = serializers.SerializerMethodField()
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)

    class Meta:
        model = SupervisionListing
        fields = ["number", "enterprise_name", "hazard_summary", "issuer_name", "level"]
        fields += ["listed_on", "deadline", "status", "closed_on"]
        read_only_fields = fields

    def get_hazard_summary(self, listing: SupervisionListing) -> str:
        text = listing.hazard.description
        return text if len(text) <= 60 else text[:59] + "…"
