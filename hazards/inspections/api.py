"""REST endpoints of inspection plans and records, mounted by portal/api_urls.py
from ``routes``: (prefix, viewset, basename).

Scoped like the pages: whoever sees the enterprise in the registry reads its
plans and records (404 outside that scope); its own users and its group write
(403 for the others in scope); a completed record or an inactive plan: 409; bad
input: 400 naming the field. Completion refused because of one 隐患 result names
it (``result``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from hazards.exporting import XLSX
from hazards.inspections import plans, services
from hazards.inspections.exporting import export_records
from hazards.inspections.selectors import counts, may_manage
from hazards.inspections.serializers import (
    InspectionCountsSerializer,
    InspectionPhotoSerializer,
    InspectionPhotoUploadSerializer,
    InspectionPlanSerializer,
    InspectionPlanWriteSerializer,
    InspectionRecordDetailSerializer,
    InspectionRecordFilterSerializer,
    InspectionRecordSerializer,
    InspectionRecordStartSerializer,
    InspectionResultSerializer,
    InspectionResultWriteSerializer,
)
from hazards.inspections.views import filter_records
from hazards.ledger_api import ledger_errors
from hazards.models import (
    CatalogueItem,
    CatalogueVersion,
    InspectionKind,
    InspectionParticipant,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
)
from hazards.views import LEDGER_KINDS
from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    acting_user,
    deny_unless,
)
from portal.files import stored_file_response
from portal.models import User
from portal.parsers import JSONParser
from reviews.models import Criterion, StandardVersion

REFUSALS = {
    400: OpenApiResponse(description=gettext_lazy("Refused input, naming the field.")),
    403: OpenApiResponse(description=gettext_lazy("Your organisation or role may not do this.")),
    404: OpenApiResponse(description=gettext_lazy("Not in your scope.")),
    409: OpenApiResponse(
        description=gettext_lazy("Completed record or inactive plan; nothing changed.")
    ),
}
WRITE_PARSERS = [JSONParser, FormParser, MultiPartParser]


class LedgerKindsMixin:
    """The organisations that keep or oversee ledgers; the others get 403."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        org = acting_user(request).organisation
        deny_unless(
            org is not None and org.kind in LEDGER_KINDS,
            _("Your organisation keeps or oversees no hazard ledger."),
        )


# --------------------------------------------------------------------------
# Plans


def _resolve_plan_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Ids to objects; an id that names nothing is a 400 on its field."""
    out = dict(data)
    for name, model in (
        ("standard_version", StandardVersion),
        ("catalogue_version", CatalogueVersion),
    ):
        if out.get(name) is not None:
            found = model.objects.filter(pk=out[name]).first()
            if found is None:
                raise serializers.ValidationError({name: [_("No such version.")]})
            out[name] = found
    for name, item_model in (("criteria", Criterion), ("catalogue_items", CatalogueItem)):
        if name in out:
            ids = set(out[name])
            found_items = list(item_model.objects.filter(pk__in=ids))
            if len(found_items) != len(ids):
                raise serializers.ValidationError({name: [_("Some ids name nothing.")]})
            out[name] = found_items
    return out


class InspectionPlanViewSet(
    LedgerKindsMixin,
    PortalAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Inspection plans (排查计划) of the enterprises in the user's scope."""

    serializer_class = InspectionPlanSerializer

    def get_queryset(self) -> QuerySet[InspectionPlan]:
        return (
            InspectionPlan.objects.visible_to(self.request.user)
            .select_related("enterprise")
            .prefetch_related(
                Prefetch("criteria", queryset=Criterion.objects.only("pk")),
                Prefetch("catalogue_items", queryset=CatalogueItem.objects.only("pk")),
            )
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        params = self.request.query_params
        if params.get("kind") in InspectionKind.values:
            queryset = queryset.filter(kind=params["kind"])
        if params.get("active") in ("true", "false"):
            queryset = queryset.filter(active=params["active"] == "true")
        if params.get("enterprise", "").isdigit():
            queryset = queryset.filter(enterprise_id=params["enterprise"])
        if params.get("q"):
            q = params["q"][:100]
            queryset = queryset.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q))
        return queryset

    def _one(self, pk: int) -> dict[str, Any]:
        return dict(InspectionPlanSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        request=InspectionPlanWriteSerializer,
        responses={201: InspectionPlanSerializer, 400: REFUSALS[400], 403: REFUSALS[403]},
    )
    def create(self, request: Request) -> Response:
        """A new plan (the enterprise's users, its group)."""
        user = acting_user(request)
        serializer = InspectionPlanWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _resolve_plan_fields(dict(serializer.validated_data))
        visible = enterprises_visible_to(user, Enterprise.objects.all())
        enterprise_id = data.pop("enterprise", None)
        if enterprise_id is None:
            enterprise = visible.filter(account_id=user.organisation_id).first()
        else:
            enterprise = visible.filter(pk=enterprise_id).first()
        if enterprise is None:
            raise serializers.ValidationError(
                {"enterprise": [_("Name an enterprise in your scope.")]}
            )
        with ledger_errors():
            plan = plans.plan_create(actor=user, enterprise=enterprise, **data)
        return Response(self._one(plan.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InspectionPlanWriteSerializer, responses={200: InspectionPlanSerializer, **REFUSALS}
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the fields given; the checklist is checked again."""
        plan = self.get_object()
        deny_unless(
            may_manage(acting_user(request), plan.enterprise),
            _("Your organisation cannot edit this enterprise's plans."),
        )
        serializer = InspectionPlanWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _resolve_plan_fields(dict(serializer.validated_data))
        if "enterprise" in data:
            raise serializers.ValidationError(
                {"enterprise": [_("A plan stays with its enterprise.")]}
            )
        with ledger_errors():
            plans.plan_update(actor=acting_user(request), plan=plan, **data)
        return Response(self._one(plan.pk))

    @extend_schema(request=NoBodySerializer, responses={200: InspectionPlanSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], parser_classes=WRITE_PARSERS)
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        """No new inspection starts from the plan."""
        plan = self.get_object()
        deny_unless(
            may_manage(acting_user(request), plan.enterprise),
            _("Your organisation cannot edit this enterprise's plans."),
        )
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with ledger_errors():
            plans.plan_deactivate(actor=acting_user(request), plan=plan)
        return Response(self._one(plan.pk))


# --------------------------------------------------------------------------
# Records


def _users(ids: list[int]) -> list[User]:
    found = list(User.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({"participants": [_("Some ids name nobody.")]})
    return found


class InspectionRecordViewSet(
    LedgerKindsMixin,
    PortalAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Inspection records (检查记录) of the enterprises in the user's scope, with
    their checklist results, participants and photos."""

    serializer_class = InspectionRecordSerializer

    def get_queryset(self) -> QuerySet[InspectionRecord]:
        return InspectionRecord.objects.visible_to(self.request.user).select_related(
            "plan", "enterprise", "leader"
        )

    def _filters(self) -> dict[str, Any]:
        params = InspectionRecordFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        return filter_records(queryset, self._filters())

    def _detail(self, pk: int) -> dict[str, Any]:
        record = (
            InspectionRecord.objects.select_related("plan", "enterprise", "leader")
            .prefetch_related(
                Prefetch(
                    "participants", queryset=InspectionParticipant.objects.select_related("user")
                ),
                Prefetch(
                    "results",
                    queryset=InspectionResult.objects.select_related(
                        "criterion", "catalogue_item", "hazard"
                    ).prefetch_related("photos"),
                ),
            )
            .get(pk=pk)
        )
        return dict(
            InspectionRecordDetailSerializer(record, context={"request": self.request}).data
        )

    def _writable(self) -> InspectionRecord:
        record = self.get_object()
        deny_unless(
            may_manage(acting_user(self.request), record.enterprise),
            _("Your organisation cannot record this enterprise's inspections."),
        )
        return record

    @extend_schema(parameters=[InspectionRecordFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: InspectionRecordDetailSerializer, 404: REFUSALS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object().pk))

    @extend_schema(
        request=InspectionRecordStartSerializer,
        responses={201: InspectionRecordDetailSerializer, **REFUSALS},
    )
    def create(self, request: Request) -> Response:
        """Start an inspection from a plan: one unanswered result per checklist item."""
        serializer = InspectionRecordStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = InspectionPlan.objects.visible_to(request.user).filter(pk=data.pop("plan")).first()
        if plan is None:
            raise serializers.ValidationError({"plan": [_("Name a plan in your scope.")]})
        leader = User.objects.filter(pk=data["leader"]).first()
        if leader is None:
            raise serializers.ValidationError({"leader": [_("No such user.")]})
        data["leader"] = leader
        data["participants"] = _users(data.get("participants", []))
        with ledger_errors():
            record = services.record_start(actor=acting_user(request), plan=plan, **data)
        return Response(self._detail(record.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InspectionResultWriteSerializer,
        responses={200: InspectionResultSerializer, **REFUSALS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"results/(?P<result_id>[0-9]+)",
        url_name="result",
        parser_classes=WRITE_PARSERS,
    )
    def result(self, request: Request, pk: str | None = None, result_id: str = "") -> Response:
        """Answer one checklist item (a hazard with its location, category, deadline)."""
        record = self._writable()
        result = InspectionResult.objects.filter(record=record, pk=result_id).first()
        if result is None:
            raise NotFound(_("This inspection has no such item."))
        serializer = InspectionResultWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            saved = services.result_save(
                actor=acting_user(request), result=result, **serializer.validated_data
            )
        return Response(InspectionResultSerializer(saved).data)

    @extend_schema(
        request={"multipart/form-data": InspectionPhotoUploadSerializer},
        responses={201: InspectionPhotoSerializer, **REFUSALS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"results/(?P<result_id>[0-9]+)/photos",
        url_name="result-photos",
        parser_classes=[MultiPartParser, FormParser],
    )
    def result_photos(
        self, request: Request, pk: str | None = None, result_id: str = ""
    ) -> Response:
        """Add a JPG or PNG photo to one checklist item."""
        record = self._writable()
        result = InspectionResult.objects.filter(record=record, pk=result_id).first()
        if result is None:
            raise NotFound(_("This inspection has no such item."))
        serializer = InspectionPhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            photo = services.photo_add(
                actor=acting_user(request),
                result=result,
                upload=serializer.validated_data["file"],
            )
        return Response(InspectionPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>[0-9]+)", url_name="photo")
    def photo(self, request: Request, pk: str | None = None, photo_id: str = "") -> Any:
        """The photo, as an attachment under the name it was uploaded with."""
        record = self.get_object()
        photo = InspectionPhoto.objects.filter(record=record, pk=photo_id).first()
        if photo is None:
            raise NotFound(_("This inspection has no such photo."))
        return stored_file_response(
            photo.file, filename=photo.original_name, content_type=photo.content_type
        )

    @extend_schema(
        request=NoBodySerializer, responses={200: InspectionRecordDetailSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"], parser_classes=WRITE_PARSERS)
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The participant confirms their own participation (签字)."""
        record = self.get_object()
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with ledger_errors():
            services.participation_confirm(actor=acting_user(request), record=record)
        return Response(self._detail(record.pk))

    @extend_schema(
        request=NoBodySerializer, responses={200: InspectionRecordDetailSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"], parser_classes=WRITE_PARSERS)
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Complete the record; each hazard result opens a ledger row, all or none."""
        record = self._writable()
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with ledger_errors():
            try:
                services.record_complete(actor=acting_user(request), record=record)
            except services.ResultRefused as error:
                raise serializers.ValidationError(
                    {"results": [str(error.message)], "result": [str(error.result_id)]}
                ) from None
        return Response(self._detail(record.pk))

    @extend_schema(
        parameters=[InspectionRecordFilterSerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        """The list with the same filters, as an Excel workbook."""
        qs = filter_records(InspectionRecord.objects.visible_to(request.user), self._filters())
        filename = f"inspections-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(
            export_records(qs), as_attachment=True, filename=filename, content_type=XLSX
        )

    @extend_schema(
        parameters=[InspectionRecordFilterSerializer], responses={200: InspectionCountsSerializer}
    )
    @action(detail=False, methods=["get"])
    def counts(self, request: Request) -> Response:
        """Completed inspections by kind and those led by the principal, between
        ``start`` and ``end``."""
        data = self._filters()
        qs = InspectionRecord.objects.visible_to(request.user)
        figures = counts(qs, start=data.get("start"), end=data.get("end"))
        return Response(
            {
                "total": figures["total"],
                "principal_led": figures["principal_led"],
                "by_kind": {kind: n for kind, _label, n in figures["by_kind"]},
            }
        )


routes: list[tuple[str, Any, str]] = [
    ("inspection-plans", InspectionPlanViewSet, "api-inspection-plan"),
    ("inspection-records", InspectionRecordViewSet, "api-inspection-record"),
]
