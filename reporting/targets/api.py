"""Targets as JSON (/api/v1/targets/), read by every government role with the figures
of its own scope, written by the city office (reporting/targets/services.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
    service_errors,
)
from reporting.models import Target
from reporting.snapshots import trends
from reporting.snapshots.api import TargetTrendSerializer
from reporting.targets import export, selectors, services

NOT_GOVERNMENT = gettext_lazy(
    "Only a street office, a district government, a regulator or the city office."
)


class TargetStageSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)


class TargetDistrictSerializer(serializers.Serializer):
    district = serializers.CharField(source="region.pk")
    name = serializers.CharField(source="region.name")
    population = serializers.IntegerField()
    reached = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    target_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    gap = serializers.IntegerField()


class TargetProgressSerializer(serializers.Serializer):
    today = serializers.DateField()
    population = serializers.IntegerField()
    reached = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    target_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    gap = serializers.IntegerField(help_text=gettext_lazy("Enterprises still to reach the grade."))
    next_stage = TargetStageSerializer(allow_null=True)
    per_district = TargetDistrictSerializer(
        many=True,
        allow_null=True,
        help_text=gettext_lazy("Per district, for the city office and the regulators."),
    )


class TargetSerializer(serializers.ModelSerializer):
    industries: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    regions: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    scales = serializers.ListField(child=serializers.CharField())
    allocations = serializers.SerializerMethodField()
    stages = TargetStageSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "title",
            "document_number",
            "industries",
            "scales",
            "regions",
            "required_grade",
            "deadline",
            "rate",
            "allocations",
            "stages",
            "retired_at",
        ]

    def get_allocations(self, target: Target) -> dict[str, str]:
        return {a.region_id: str(a.rate) for a in target.allocations.all()}


class TargetDetailSerializer(TargetSerializer):
    progress = TargetProgressSerializer(read_only=True)
    trend = serializers.SerializerMethodField(
        help_text=gettext_lazy("The last 12 months' snapshots of the progress (oldest first).")
    )

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "progress", "trend"]

    @extend_schema_field(TargetTrendSerializer(many=True))
    def get_trend(self, target: Any) -> list[dict[str, Any]]:
        return getattr(target, "trend", [])


class TargetWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    industries = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=100
    )
    scales = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False, max_length=10
    )
    regions = serializers.ListField(
        child=serializers.CharField(max_length=6), required=False, max_length=30
    )
    required_grade = serializers.ChoiceField(choices=Target.Grade.choices)
    deadline = serializers.DateField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    allocations = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100),
        required=False,
    )
    stages = TargetStageSerializer(many=True, required=False)

    def to_input(self) -> services.TargetInput:
        data = self.validated_data
        return services.TargetInput(
            title=data["title"],
            document_number=data.get("document_number", ""),
            industries=list(data.get("industries", [])),
            scales=list(data.get("scales", [])),
            regions=list(data.get("regions", [])),
            required_grade=data["required_grade"],
            deadline=data["deadline"],
            rate=data["rate"],
            allocations=dict(data.get("allocations", {})),
            stages=[(s["due_on"], s["rate"]) for s in data.get("stages", [])],
        )


class NotReachedSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="region.name")
    street = serializers.CharField(source="street.name", default="")
    industry = serializers.CharField(source="industry.name", default="")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = ["id", "name", "uscc", "district", "street", "industry", "scale", "url"]

    def get_url(self, enterprise: Enterprise) -> str:
        return f"/api/v1/enterprises/{enterprise.pk}/"


SEARCH = OpenApiParameter("search", str, description=gettext_lazy("Name or USCC contains."))
REFUSALS = {
    400: OpenApiResponse(description=gettext_lazy("Refused, with the reason.")),
    403: OpenApiResponse(description=NOT_GOVERNMENT),
}


class TargetViewSet(PortalAPIMixin, viewsets.GenericViewSet):
    """Targets: who must reach which grade by when, and how far the reader's scope is."""

    serializer_class = TargetSerializer

    def get_queryset(self) -> QuerySet[Target]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Target.objects.none()
        user = acting_user(self.request)
        deny_unless(selectors.may_read(user), str(NOT_GOVERNMENT))
        retired = self.request.query_params.get("retired") == "1"
        if self.action != "list":
            return Target.objects.prefetch_related("industries", "regions", "allocations", "stages")
        return selectors.targets_for(user, retired=retired)

    def _manager(self) -> None:
        deny_unless(
            selectors.may_manage(acting_user(self.request)),
            _("Only the city office manages targets."),
        )

    @extend_schema(
        parameters=[OpenApiParameter("retired", bool, description=gettext_lazy("Retired ones."))]
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TargetSerializer(page, many=True).data)

    @extend_schema(responses={200: TargetDetailSerializer, 403: REFUSALS[403]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        target: Any = self.get_object()
        target.progress = selectors.progress(target, acting_user(request))
        target.trend = trends.target_series(acting_user(request), target)
        return Response(TargetDetailSerializer(target).data)

    @extend_schema(
        request=TargetWriteSerializer, responses={201: TargetDetailSerializer, **REFUSALS}
    )
    def create(self, request: Request) -> Response:
        self.get_queryset()
        self._manager()
        body = TargetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            target: Any = services.target_create(actor=acting_user(request), data=body.to_input())
        target.progress = selectors.progress(target, acting_user(request))
        return Response(TargetDetailSerializer(target).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TargetWriteSerializer, responses={200: TargetDetailSerializer, **REFUSALS}
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        self._manager()  # before the lookup: a missing id gets the same 403
        target: Any = self.get_object()
        body = TargetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            target = services.target_update(
                actor=acting_user(request), target=target, data=body.to_input()
            )
        target = self.get_queryset().get(pk=target.pk)
        target.progress = selectors.progress(target, acting_user(request))
        return Response(TargetDetailSerializer(target).data)

    @extend_schema(request=NoBodySerializer, responses={200: TargetSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        self._manager()
        target = self.get_object()
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with service_errors():
            target = services.target_retire(actor=acting_user(request), target=target)
        return Response(TargetSerializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(parameters=[SEARCH], responses={200: NotReachedSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="not-reached")
    def not_reached(self, request: Request, pk: str | None = None) -> Response:
        """The enterprises of the reader's scope not yet at the target: its work list."""
        target = self.get_object()
        search = request.query_params.get("search", "").strip()[:100]
        rows = selectors.not_reached(target, acting_user(request), search=search)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(NotReachedSerializer(page, many=True).data)

    @extend_schema(parameters=[SEARCH], responses={(200, export.XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="not-reached/export")
    def export(self, request: Request, pk: str | None = None) -> FileResponse:
        target = self.get_object()
        search = request.query_params.get("search", "").strip()[:100]
        rows = selectors.not_reached(target, acting_user(request), search=search)
        return FileResponse(
            export.not_reached_workbook(target, rows),
            as_attachment=True,
            filename=export.filename(target),
            content_type=export.XLSX,
        )


routes = [("targets", TargetViewSet, "api-target")]
