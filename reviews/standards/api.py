"""Standards and their versions, read only (see reviews/api/__init__.py)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets

from portal.api.base import (
    PortalAPIMixin,
)
from portal.models import Industry
from reviews.models import (
    Criterion,
    Element,
    GradeThreshold,
    Standard,
    StandardVersion,
)
from reviews.selectors import standards_visible_to, versions_visible_to

# --------------------------------------------------------------------------
# Standards and versions (read only)


class ThresholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeThreshold
        fields = ["grade", "min_score"]


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardVersion
        fields = ["id", "version", "effective_date", "status", "full_marks"]


class StandardSerializer(serializers.ModelSerializer):
    industries: serializers.PrimaryKeyRelatedField[Industry] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    versions = VersionSummarySerializer(many=True, read_only=True, source="visible_versions")

    class Meta:
        model = Standard
        fields = [
            "code",
            "name",
            "name_en",
            "grading",
            "regime",
            "industries",
            "scales",
            "description",
            "versions",
        ]


class StandardVersionSerializer(serializers.ModelSerializer):
    standard = serializers.CharField(source="standard.code", read_only=True)
    standard_name = serializers.CharField(source="standard.name", read_only=True)
    grading = serializers.CharField(source="standard.grading", read_only=True)
    thresholds = serializers.SerializerMethodField()

    class Meta:
        model = StandardVersion
        fields = [
            "id",
            "standard",
            "standard_name",
            "grading",
            "version",
            "effective_date",
            "status",
            "full_marks",
            "thresholds",
            "published_at",
            "retired_at",
        ]

    @extend_schema_field(ThresholdSerializer(many=True))
    def get_thresholds(self, version: StandardVersion) -> list[dict]:
        # Best grade first; the prefetch keeps the list at a fixed query count.
        rows = sorted(version.thresholds.all(), key=lambda t: t.min_score, reverse=True)
        # A ListSerializer's data is a ReturnList; the stubs say ReturnDict.
        return ThresholdSerializer(rows, many=True).data  # type: ignore[return-value]


class CriterionSerializer(serializers.ModelSerializer):
    veto = serializers.BooleanField(source="is_veto")

    class Meta:
        model = Criterion
        fields = [
            "id",
            "code",
            "requirement",
            "method",
            "points",
            "veto",
            "guidance",
            "evidence",
            "extra_deduction",
            "extra_deduction_note",
        ]


class BElementSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Element
        fields = ["code", "name", "name_en", "criteria"]


class AElementSerializer(serializers.ModelSerializer):
    elements = BElementSerializer(many=True, read_only=True, source="children")
    criteria = CriterionSerializer(
        many=True,
        read_only=True,
        help_text=gettext_lazy("Criteria placed directly under the A element (no B elements)."),
    )

    class Meta:
        model = Element
        fields = ["code", "name", "name_en", "elements", "criteria"]


class StandardVersionTreeSerializer(StandardVersionSerializer):
    elements = AElementSerializer(many=True, read_only=True, source="a_elements")

    class Meta(StandardVersionSerializer.Meta):
        fields = [*StandardVersionSerializer.Meta.fields, "elements"]


class StandardViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Checklist standards, named by their code, with their versions."""

    serializer_class = StandardSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        user = self.request.user
        return standards_visible_to(user).prefetch_related(
            "industries",
            Prefetch(
                "versions",
                queryset=versions_visible_to(user).order_by("-effective_date"),
                to_attr="visible_versions",
            ),
        )


class VersionFilterSerializer(serializers.Serializer):
    standard = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Standard code.")
    )
    status = serializers.ChoiceField(
        choices=StandardVersion.Status.choices, required=False, allow_blank=True
    )


@extend_schema_view(list=extend_schema(parameters=[VersionFilterSerializer]))
class StandardVersionViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Versions of the standards; one version in full is its whole checklist:
    A elements → B elements → criteria, with the grade thresholds."""

    def get_serializer_class(self):
        if self.action == "retrieve":
            return StandardVersionTreeSerializer
        return StandardVersionSerializer

    def get_queryset(self):
        qs = (
            versions_visible_to(self.request.user)
            .select_related("standard")
            .prefetch_related("thresholds")
            .order_by("standard__code", "-effective_date")
        )
        if self.action == "retrieve":
            criteria = Criterion.objects.order_by("position")
            qs = qs.prefetch_related(
                Prefetch(
                    "elements",
                    queryset=Element.objects.filter(parent__isnull=True)
                    .order_by("position")
                    .prefetch_related(
                        Prefetch(
                            "children",
                            queryset=Element.objects.order_by("position").prefetch_related(
                                Prefetch("criteria", queryset=criteria)
                            ),
                        ),
                        Prefetch("criteria", queryset=criteria),
                    ),
                    to_attr="a_elements",
                )
            )
        return qs

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = VersionFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        if params.validated_data.get("standard"):
            queryset = queryset.filter(standard__code=params.validated_data["standard"])
        if params.validated_data.get("status"):
            queryset = queryset.filter(status=params.validated_data["status"])
        return queryset
