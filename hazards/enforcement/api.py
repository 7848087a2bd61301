"""REST endpoints of government inspections and tip-offs, mounted by portal/api_urls.py
from ``routes``: (prefix, viewset, basename).

- ``government-inspections/``: read by whoever sees the enterprise (404 outside);
  recorded by an office with the enterprise in its scope (403 otherwise); ``POST
  {id}/review/`` is the issuing office's follow-up review (403 for anyone else,
  409 once the order is closed). Filters: q, status, overdue, mine.
- ``tip-offs/``: the receiving office's users only. Listing and recording need an
  office (403); a tip-off by id is 404 for everyone but the receiving office.
- ``export/`` on both: the list with the same filters, as xlsx.
- ``hazard-imports/``: the ledger's Excel import (hazards/importing/api.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from hazards.enforcement import exporting, selectors, services
from hazards.exporting import XLSX
from hazards.importing.api import HazardImportViewSet
from hazards.ledger_api import REFUSALS, ledger_errors
from hazards.models import AccidentType, CatalogueItem, GovernmentInspection, Hazard, TipOff
from hazards.views import LEDGER_KINDS
from portal.api.base import (
    IdField,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
)
from portal.api.labels import ChoiceLabelField


def _enterprise(user: Any, enterprise_id: int) -> Enterprise:
    enterprise = enterprises_visible_to(user, Enterprise.objects.all()).filter(pk=enterprise_id)
    found = enterprise.first()
    if found is None:
        raise serializers.ValidationError({"enterprise": [_("Name an enterprise in your scope.")]})
    return found


def _basis(item_id: int | None) -> CatalogueItem | None:
    if item_id is None:
        return None
    basis = CatalogueItem.objects.select_related("version").filter(pk=item_id).first()
    if basis is None:
        raise serializers.ValidationError({"major_basis": [_("Choose an item of the catalogue.")]})
    return basis


# --------------------------------------------------------------------------
# Government inspections


class OrderRowSerializer(serializers.ModelSerializer):
    status_display = ChoiceLabelField("status")

    class Meta:
        model = Hazard
        fields = ["id", "number", "location", "description", "grade", "status"]
        fields += ["status_display", "closed_on"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    open_count = serializers.IntegerField(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = GovernmentInspection
        fields = [
            "id",
            "order_number",
            "enterprise",
            "enterprise_name",
            "organisation",
            "organisation_name",
            "inspected_on",
            "inspectors",
            "summary",
            "order_deadline",
            "status",
            "review_number",
            "reviewed_on",
            "review_opinion",
            "item_count",
            "open_count",
            "is_overdue",
        ]
        read_only_fields = fields

    def get_is_overdue(self, inspection: GovernmentInspection) -> bool:
        return (
            inspection.status == GovernmentInspection.Status.ORDERED
            and inspection.order_deadline < timezone.localdate()
        )


class InspectionDetailSerializer(InspectionSerializer):
    rows = serializers.SerializerMethodField()
    may_review = serializers.SerializerMethodField()

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "rows", "may_review"]
        read_only_fields = fields

    @extend_schema_field(OrderRowSerializer(many=True))
    def get_rows(self, inspection: GovernmentInspection) -> list[dict[str, Any]]:
        rows = Hazard.objects.filter(order_item__inspection=inspection).order_by("order_item__pk")
        return list(OrderRowSerializer(rows, many=True).data)

    def get_may_review(self, inspection: GovernmentInspection) -> bool:
        return inspection.status == GovernmentInspection.Status.ORDERED and services.may_review(
            self.context["request"].user, inspection
        )


class InspectionFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=gettext_lazy("Words of the order number or the enterprise's name."),
    )
    status = serializers.ChoiceField(choices=GovernmentInspection.Status.choices, required=False)
    overdue = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Past the deadline and not closed by a review.")
    )
    mine = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Issued by the user's office.")
    )


class OrderItemInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    location = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000)
    category = serializers.ChoiceField(choices=Hazard.Category.choices)
    specialty = serializers.CharField(max_length=50, required=False, allow_blank=True)
    basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    grade = serializers.ChoiceField(choices=Hazard.Grade.choices, required=False)
    major_basis = IdField(
        required=False, help_text=gettext_lazy("Catalogue item id (判定依据) of a major item.")
    )
    accident_type = serializers.ChoiceField(
        choices=AccidentType.choices, required=False, allow_blank=True
    )
    measures = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class InspectionCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    enterprise = IdField()
    inspected_on = serializers.DateField()
    inspectors = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    order_number = serializers.CharField(max_length=60)
    order_deadline = serializers.DateField()
    items = OrderItemInputSerializer(many=True, allow_empty=False)


class OrderReviewSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    review_number = serializers.CharField(max_length=60)
    reviewed_on = serializers.DateField()
    opinion = serializers.CharField(max_length=2000)
    not_passed = serializers.ListField(
        child=IdField(),
        required=False,
        help_text=gettext_lazy("Ids of rows awaiting acceptance that did not pass."),
    )


class GovernmentInspectionViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Government inspections (执法检查) and their orders (责令限期整改指令书) in the
    user's scope, with the state of each ledger row."""

    serializer_class = InspectionSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        org = acting_user(request).organisation
        deny_unless(
            org is not None and org.kind in LEDGER_KINDS,
            _("Your organisation keeps or oversees no hazard ledger."),
        )

    def get_queryset(self) -> QuerySet[GovernmentInspection]:
        qs = GovernmentInspection.objects.visible_to(self.request.user)
        return selectors.with_counts(qs.select_related("enterprise", "organisation"))

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action not in ("list", "export"):
            return queryset
        params = InspectionFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return selectors.filter_inspections(
            queryset,
            q=data.get("q", ""),
            status=data.get("status", ""),
            overdue=bool(data.get("overdue")),
            office=acting_user(self.request).organisation_id if data.get("mine") else None,
        )

    @extend_schema(
        parameters=[InspectionFilterSerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        """The list with the same filters, as an Excel workbook."""
        qs = self.filter_queryset(GovernmentInspection.objects.visible_to(request.user))
        filename = f"government-inspections-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(
            exporting.export_inspections(qs),
            as_attachment=True,
            filename=filename,
            content_type=XLSX,
        )

    def _detail(self, pk: int) -> dict[str, Any]:
        inspection = self.get_queryset().get(pk=pk)
        return dict(InspectionDetailSerializer(inspection, context={"request": self.request}).data)

    @extend_schema(parameters=[InspectionFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: InspectionDetailSerializer, 404: REFUSALS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object().pk))

    @extend_schema(
        request=InspectionCreateSerializer,
        responses={201: InspectionDetailSerializer, 400: REFUSALS[400], 403: REFUSALS[403]},
    )
    def create(self, request: Request) -> Response:
        """Record an inspection and its order; each item becomes a ledger row."""
        user = acting_user(request)
        deny_unless(services.is_office(user), _("Only government offices record inspections."))
        serializer = InspectionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = _enterprise(user, data.pop("enterprise"))
        items = []
        for item in data.pop("items"):
            item = dict(item)
            item["major_basis"] = _basis(item.pop("major_basis", None))
            items.append(item)
        with ledger_errors():
            inspection = services.inspection_record(
                actor=user, enterprise=enterprise, items=items, **data
            )
        return Response(self._detail(inspection.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OrderReviewSerializer, responses={200: InspectionDetailSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """The follow-up review (整改复查意见书) by the issuing office."""
        inspection = self.get_object()
        user = acting_user(request)
        deny_unless(
            services.may_review(user, inspection),
            _("Only the office that issued the order reviews it."),
        )
        serializer = OrderReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            services.order_review(actor=user, inspection=inspection, **serializer.validated_data)
        return Response(self._detail(inspection.pk))


# --------------------------------------------------------------------------
# Tip-offs


class TipOffSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    hazard_number = serializers.CharField(source="hazard.number", read_only=True, default=None)

    class Meta:
        model = TipOff
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "received_on",
            "content",
            "anonymous",
            "reporter_name",
            "reporter_contact",
            "status",
            "outcome",
            "hazard",
            "hazard_number",
        ]
        read_only_fields = fields


class TipOffFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=TipOff.Status.choices, required=False)


class TipOffCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    enterprise = IdField()
    received_on = serializers.DateField()
    content = serializers.CharField(max_length=4000)
    anonymous = serializers.BooleanField(default=False)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TipOffConfirmSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    outcome = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    found_on = serializers.DateField()
    location = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000)
    category = serializers.ChoiceField(choices=Hazard.Category.choices)
    grade = serializers.ChoiceField(choices=Hazard.Grade.choices, required=False)
    major_basis = IdField(required=False)
    basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    accident_type = serializers.ChoiceField(
        choices=AccidentType.choices, required=False, allow_blank=True
    )
    measures = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    deadline = serializers.DateField()


class TipOffDismissSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    outcome = serializers.CharField(max_length=2000)


class TipOffViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tip-offs (举报) the user's office received; nobody else sees them."""

    serializer_class = TipOffSerializer

    def get_queryset(self) -> QuerySet[TipOff]:
        return TipOff.objects.visible_to(self.request.user).select_related("enterprise", "hazard")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action not in ("list", "export"):
            return queryset
        params = TipOffFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.filter_tip_offs(queryset, **params.validated_data)

    def _office_only(self) -> None:
        deny_unless(
            services.is_office(acting_user(self.request)),
            _("Only government offices receive tip-offs."),
        )

    @extend_schema(parameters=[TipOffFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._office_only()
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[TipOffFilterSerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: REFUSALS[403]},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        """The office's own tip-offs with the same filters, with their reporters."""
        self._office_only()
        user = acting_user(request)
        qs = self.filter_queryset(TipOff.objects.visible_to(user))
        filename = f"tip-offs-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(
            exporting.export_tip_offs(qs, user.organisation_id),
            as_attachment=True,
            filename=filename,
            content_type=XLSX,
        )

    @extend_schema(
        request=TipOffCreateSerializer,
        responses={201: TipOffSerializer, 400: REFUSALS[400], 403: REFUSALS[403]},
    )
    def create(self, request: Request) -> Response:
        """Record a tip-off received about an enterprise in the office's scope."""
        self._office_only()
        user = acting_user(request)
        serializer = TipOffCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = _enterprise(user, data.pop("enterprise"))
        with ledger_errors():
            tip_off = services.tip_off_receive(actor=user, enterprise=enterprise, **data)
        return Response(
            TipOffSerializer(self.get_queryset().get(pk=tip_off.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=TipOffConfirmSerializer, responses={200: TipOffSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirmed: the hazard (source 举报) goes into the enterprise's ledger."""
        tip_off = self.get_object()
        serializer = TipOffConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v != ""}
        data["major_basis"] = _basis(data.pop("major_basis", None))
        if data["major_basis"] is None:
            data.pop("major_basis")
        outcome = data.pop("outcome", "")
        with ledger_errors():
            services.tip_off_confirm(
                actor=acting_user(request), tip_off=tip_off, outcome=outcome, **data
            )
        return Response(TipOffSerializer(self.get_queryset().get(pk=tip_off.pk)).data)

    @extend_schema(request=TipOffDismissSerializer, responses={200: TipOffSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Not confirmed on checking, with what the check found."""
        tip_off = self.get_object()
        serializer = TipOffDismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            services.tip_off_dismiss(
                actor=acting_user(request), tip_off=tip_off, **serializer.validated_data
            )
        return Response(TipOffSerializer(self.get_queryset().get(pk=tip_off.pk)).data)


routes: list[tuple[str, Any, str]] = [
    ("government-inspections", GovernmentInspectionViewSet, "api-government-inspection"),
    ("tip-offs", TipOffViewSet, "api-tip-off"),
    ("hazard-imports", HazardImportViewSet, "api-hazard-import"),
]
