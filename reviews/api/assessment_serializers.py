"""Serializers of the assessments API (reviews/api/assessments.py): what it
shows of an assessment, its rows, evidence and score, and the input of its
endpoints."""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers

from portal.api.base import (
    IdField,
    RejectUnknownFieldsMixin,
)
from reviews.models import (
    Assessment,
    AssessmentRow,
    Evidence,
    Result,
    StandardVersion,
)
from reviews.permissions import can_edit_assessment
from reviews.scoring import improvements
from reviews.scoring_data import answers_for, score_assessment, spec_for_version
from reviews.selectors import versions_visible_to

# --------------------------------------------------------------------------
# Assessments: output


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "name",
            "file_version",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, evidence: Evidence) -> str:
        path = reverse(
            "api-assessment-evidence-download",
            kwargs={"pk": evidence.row.assessment_id, "evidence_id": evidence.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class RowSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")
    element = serializers.CharField(source="criterion.element.code")
    a_element = serializers.CharField(source="criterion.a_element.code")
    requirement = serializers.CharField(source="criterion.requirement")
    points = serializers.DecimalField(source="criterion.points", max_digits=6, decimal_places=1)
    veto = serializers.BooleanField(source="criterion.is_veto")
    veto_grades = serializers.ListField(
        source="criterion.veto_grades",
        child=serializers.CharField(),
        help_text=gettext_lazy("The grades a failed veto bars; empty: every grade."),
    )
    allow_na = serializers.BooleanField(source="criterion.allow_na")
    deduction_unit = serializers.DecimalField(
        source="criterion.deduction_unit",
        max_digits=6,
        decimal_places=1,
        allow_null=True,
        help_text=gettext_lazy(
            "Points per occurrence, where the criterion deducts per occurrence."
        ),
    )
    extra_deduction = serializers.DecimalField(
        source="criterion.extra_deduction", max_digits=6, decimal_places=1
    )
    extra_trigger = serializers.CharField(
        source="criterion.extra_trigger",
        help_text=gettext_lazy(
            "When the extra deduction is taken: full_deduction, condition (extra_condition), "
            "or empty when the criterion has none."
        ),
    )
    updated_by = serializers.CharField(source="updated_by.username", allow_null=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentRow
        fields = [
            "id",
            "criterion",
            "criterion_id",
            "element",
            "a_element",
            "requirement",
            "points",
            "veto",
            "veto_grades",
            "allow_na",
            "deduction_unit",
            "extra_deduction",
            "extra_trigger",
            "result",
            "deduction",
            "occurrences",
            "extra_condition",
            "na_reason",
            "notes",
            "revision",
            "updated_at",
            "updated_by",
            "evidence",
        ]


def rows_queryset() -> QuerySet:
    """Rows with all they show, in a fixed number of queries."""
    return AssessmentRow.objects.select_related(
        "criterion__element", "criterion__a_element", "updated_by"
    ).prefetch_related(
        # The prefetch sets each file's row, so no join back to it is needed.
        Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by"))
    )


class AssessmentSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    standard = serializers.CharField(source="version.standard.code")
    standard_name = serializers.CharField(source="version.standard.name")
    version_label = serializers.CharField(source="version.version")
    answered = serializers.IntegerField(read_only=True)
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "version",
            "standard",
            "standard_name",
            "version_label",
            "kind",
            "status",
            "period_start",
            "period_end",
            "team_leader",
            "team_members",
            "deaths_last_year",
            "copied_from",
            "created_at",
            "submitted_at",
            "submitted_score",
            "submitted_grade",
            "answered",
            "total",
        ]


class ImprovementSerializer(serializers.Serializer):
    criterion_id = serializers.IntegerField()
    code = serializers.CharField()
    points_gained = serializers.DecimalField(max_digits=7, decimal_places=1)
    score_gain = serializers.DecimalField(max_digits=6, decimal_places=2)


# The breakdown is ScoreResult.as_dict() as is: documented loosely, since
# the scoring function, not this module, defines it.
@extend_schema_field(OpenApiTypes.OBJECT)
class ScoreField(serializers.DictField):
    pass


class AssessmentDetailSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    standard = serializers.CharField(source="version.standard.code")
    standard_name = serializers.CharField(source="version.standard.name")
    version_label = serializers.CharField(source="version.version")
    can_edit = serializers.BooleanField()
    score = ScoreField(
        help_text=gettext_lazy("The score breakdown as the scoring function returns it.")
    )
    improvements = ImprovementSerializer(
        many=True,
        help_text=gettext_lazy("The criteria whose full compliance would raise the score most."),
    )

    class Meta:
        model = Assessment
        fields = [
            *[
                name
                for name in AssessmentSerializer.Meta.fields
                if name not in {"answered", "total"}
            ],
            "can_edit",
            "score",
            "improvements",
        ]


def assessment_detail(assessment: Assessment, user) -> dict:
    """Header, score breakdown and what would lift the grade."""
    # Read by AssessmentDetailSerializer's fields of the same names.
    editable = can_edit_assessment(user, assessment) and not assessment.is_locked
    assessment.can_edit = editable  # type: ignore[attr-defined]
    assessment.score = score_assessment(assessment).as_dict()  # type: ignore[attr-defined]
    found = improvements(spec_for_version(assessment.version), answers_for(assessment))
    assessment.improvements = [asdict(item) for item in found]  # type: ignore[attr-defined]
    return AssessmentDetailSerializer(assessment).data


# --------------------------------------------------------------------------
# Assessments: input


class AssessmentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Assessment.Status.choices, required=False, allow_blank=True
    )
    enterprise = IdField(required=False, help_text=gettext_lazy("Enterprise id."))
    version = IdField(required=False, help_text=gettext_lazy("Standard version id."))


class AssessmentHeaderSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    team_leader = serializers.CharField(max_length=50, required=False, allow_blank=True)
    team_members = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    deaths_last_year = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class AssessmentCreateSerializer(AssessmentHeaderSerializer):
    version = serializers.PrimaryKeyRelatedField(
        queryset=StandardVersion.objects.none(),
        help_text=gettext_lazy("A published version of a standard that applies to you."),
    )
    copy_from = serializers.PrimaryKeyRelatedField(
        queryset=Assessment.objects.none(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("One of your earlier assessments whose answers to copy."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["version"].queryset = versions_visible_to(request.user)
            self.fields["copy_from"].queryset = Assessment.objects.visible_to(request.user)


class RowAnswerSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    result = serializers.ChoiceField(choices=Result.choices, allow_blank=True, required=False)
    deduction = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Points deducted; only for a partly compliant answer."),
    )
    occurrences = serializers.IntegerField(
        min_value=1,
        max_value=32767,
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Instead of deduction, on a criterion with a deduction_unit: the occurrences "
            "found; the deduction is occurrences × unit, capped at the points."
        ),
    )
    extra_condition = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy(
            "追加扣除情形成立: the condition of the criterion's extra deduction is found "
            "(extra_trigger condition; with a partly compliant or not compliant answer)."
        ),
    )
    na_reason = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=2000
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=4000
    )
    revision = serializers.IntegerField(
        min_value=0,
        help_text=gettext_lazy("The row's revision this answer starts from (see 409)."),
    )


class BulkAnswerSerializer(RowAnswerSerializer):
    criterion = serializers.CharField(max_length=20, help_text=gettext_lazy("Criterion code."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every field of a bulk answer is named, so a forgotten one cannot
        # quietly keep an old value.
        self.fields["result"].required = True


class EvidenceUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy("PDF, JPG, PNG, DOCX or XLSX, at most 20 MB.")
    )


ConflictSerializer = inline_serializer(
    "RowConflict", fields={"detail": serializers.CharField(), "row": RowSerializer()}
)
RowSavedSerializer = inline_serializer(
    "RowSaved", fields={"row": RowSerializer(), "score": ScoreField()}
)
RowsSavedSerializer = inline_serializer(
    "RowsSaved", fields={"rows": RowSerializer(many=True), "score": ScoreField()}
)
