"""REST API of the hazard ledger (conventions: portal/api/__init__.py).

Hazards follow ``Hazard.objects.visible_to`` (whoever sees the enterprise in the
registry); outside that scope a hazard is 404. Each move declared in
hazards/workflow.py is ``POST hazards/<id>/moves/<move>/``, carried out by
hazards.services.perform:

- the hazard is no longer where the move starts (someone acted first): **409**;
- the user's organisation or role does not make this move: **403**;
- refused input: **400** naming the field.

The detail lists the moves open to the user and the fields each needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from hazards import services
from hazards.errors import HazardConflict, HazardForbidden
from hazards.exporting import XLSX, export_hazards
from hazards.forms import MOVE_FIELDS
from hazards.models import AccidentType, CatalogueItem, Hazard, HazardEvent, HazardPhoto
from hazards.registry_sync import open_hazards_visible_to
from hazards.views import (
    DISTRICT_FILTER_KINDS,
    LEDGER_KINDS,
    district_search_rows,
    filter_hazards,
    moves_open_to,
    restricts_to_open,
)
from hazards.workflow import EXTEND_DEADLINE_ACTORS, TRANSITIONS
from portal.api.base import (
    IdField,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
    service_errors,
)
from portal.api.labels import ChoiceLabelField
from portal.api.pagination import CappedPagination
from portal.files import stored_file_response
from portal.parsers import JSONParser


class HazardConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The hazard has changed in the meantime.")
    default_code = "conflict"


@contextmanager
def ledger_errors() -> Iterator[None]:
    """HazardConflict → 409, HazardForbidden → 403, any other refusal → 400."""
    with service_errors():
        try:
            yield
        except HazardConflict as error:
            raise HazardConflictError(str(error.message)) from None
        except HazardForbidden as error:
            raise PermissionDenied(str(error.message)) from None


# --------------------------------------------------------------------------
# Serializers


class HazardSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_display = ChoiceLabelField("status")
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = [
            "id",
            "number",
            "enterprise",
            "enterprise_name",
            "region",
            "found_on",
            "source",
            "location",
            "description",
            "category",
            "grade",
            "status",
            "status_display",
            "deadline",
            "is_overdue",
        ]
        read_only_fields = fields

    def get_is_overdue(self, hazard: Hazard) -> bool:
        return hazard.is_overdue()


class HazardEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)
    organisation = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True
    )

    class Meta:
        model = HazardEvent
        fields = ["move", "from_status", "to_status", "actor", "organisation", "comment"]
        fields += ["created_at"]
        read_only_fields = fields


class HazardPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = HazardPhoto
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class HazardExtensionSerializer(serializers.Serializer):
    old_deadline = serializers.DateField(read_only=True)
    new_deadline = serializers.DateField(read_only=True)
    reason = serializers.CharField(read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class HazardMoveOfferSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    needs_comment = serializers.BooleanField(read_only=True)
    inputs = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=gettext_lazy("Fields the move needs besides the comment."),
    )


class HazardDetailSerializer(HazardSerializer):
    events = HazardEventSerializer(many=True, read_only=True)
    extensions = HazardExtensionSerializer(many=True, read_only=True)
    photos = HazardPhotoSerializer(many=True, read_only=True)
    moves = serializers.SerializerMethodField()
    may_extend = serializers.SerializerMethodField()
    may_add_photo = serializers.SerializerMethodField()

    class Meta(HazardSerializer.Meta):
        fields = [
            *HazardSerializer.Meta.fields,
            "specialty",
            "basis",
            "major_basis",
            "accident_type",
            "measures",
            "responsible_department",
            "responsible_person",
            "funds",
            "interim_measures",
            "completed_on",
            "acceptance_note",
            "closed_on",
            "events",
            "extensions",
            "photos",
            "moves",
            "may_extend",
            "may_add_photo",
        ]
        read_only_fields = fields

    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(HazardMoveOfferSerializer(many=True))
    def get_moves(self, hazard: Hazard) -> list[dict[str, Any]]:
        user = self._user()
        return [
            {
                "name": t.name,
                "label": str(t.label),
                "needs_comment": t.needs_comment,
                "inputs": list(MOVE_FIELDS.get(t.name, ())),
            }
            for t in moves_open_to(user, hazard)
        ]

    def get_may_extend(self, hazard: Hazard) -> bool:
        return hazard.is_open and services.acts_as_any(self._user(), hazard, EXTEND_DEADLINE_ACTORS)

    def get_may_add_photo(self, hazard: Hazard) -> bool:
        return hazard.is_open and services.may_record(self._user(), hazard.enterprise)


class HazardFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=gettext_lazy("Words of the number or the description."),
    )
    status = serializers.ChoiceField(choices=Hazard.Status.choices, required=False)
    grade = serializers.ChoiceField(choices=Hazard.Grade.choices, required=False)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Hazard.Source.choices, required=False
    )
    district = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=6,
        help_text=gettext_lazy("District code (city office, regulators, groups)."),
    )
    open = serializers.BooleanField(required=False, help_text=gettext_lazy("Not closed yet."))
    overdue = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Open and past the deadline.")
    )
    listed = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Open and under listed supervision (挂牌督办).")
    )


class HazardCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    enterprise = IdField(
        required=False,
        help_text=gettext_lazy("Enterprise id; an enterprise's own users may leave it out."),
    )
    found_on = serializers.DateField()
    source = serializers.ChoiceField(choices=Hazard.Source.choices)  # type: ignore[assignment]
    location = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000)
    category = serializers.ChoiceField(choices=Hazard.Category.choices)
    specialty = serializers.CharField(max_length=50, required=False, allow_blank=True)
    basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    grade = serializers.ChoiceField(choices=Hazard.Grade.choices, required=False)
    major_basis = IdField(
        required=False,
        help_text=gettext_lazy(
            "Catalogue item id (判定依据), required for a major hazard: "
            "/api/v1/hazard-catalogue-items/?enterprise=<id> lists those that apply."
        ),
    )
    accident_type = serializers.ChoiceField(
        choices=AccidentType.choices, required=False, allow_blank=True
    )
    measures = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    responsible_department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    funds = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    deadline = serializers.DateField()
    interim_measures = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class HazardMoveSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Required where the move says needs_comment: the verdict."),
    )
    completed_on = serializers.DateField(
        required=False, help_text=gettext_lazy("submit_for_acceptance, evaluate.")
    )
    measures = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("submit_for_acceptance: the measures taken."),
    )


class HazardExtendSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class HazardPhotoUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HazardPhoto.Kind.choices)
    file = serializers.FileField()


# --------------------------------------------------------------------------
# Endpoints

REFUSALS = {
    400: OpenApiResponse(description=gettext_lazy("Refused input, naming the field.")),
    403: OpenApiResponse(description=gettext_lazy("Your organisation or role may not do this.")),
    404: OpenApiResponse(description=gettext_lazy("Not in your scope.")),
    409: OpenApiResponse(description=gettext_lazy("The hazard has moved on; nothing changed.")),
}


class HazardViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The hazards of the enterprises in the user's scope (事故隐患信息档案), with their
    timeline, photos and the moves open to the user."""

    serializer_class = HazardSerializer
    pagination_class = CappedPagination

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        kind = acting_user(request).organisation
        deny_unless(
            kind is not None and kind.kind in LEDGER_KINDS,
            _("Your organisation keeps or oversees no hazard ledger."),
        )

    def get_queryset(self) -> QuerySet[Hazard]:
        qs = Hazard.objects.visible_to(self.request.user).select_related("enterprise")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "events", queryset=HazardEvent.objects.select_related("actor", "organisation")
                ),
                "extensions__approved_by",
                "photos",
            )
        return qs

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action not in ("list", "export"):
            return queryset
        params = HazardFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        org = acting_user(self.request).organisation
        if org is None or org.kind not in DISTRICT_FILTER_KINDS:
            data.pop("district", None)
        if restricts_to_open(data):  # the same rows by their own place (registry_sync)
            queryset = open_hazards_visible_to(
                self.request.user, Hazard.objects.select_related("enterprise")
            )
        self.filters = data
        return filter_hazards(queryset, data)

    def count_rows(self) -> QuerySet[Hazard] | None:
        """A district's search counted through its own grams (CappedPagination)."""
        filters = getattr(self, "filters", None)
        return None if filters is None else district_search_rows(self.request.user, filters)

    def _detail(self, pk: int) -> dict[str, Any]:
        hazard = (
            Hazard.objects.select_related("enterprise")
            .prefetch_related(
                Prefetch(
                    "events", queryset=HazardEvent.objects.select_related("actor", "organisation")
                ),
                "extensions__approved_by",
                "photos",
            )
            .get(pk=pk)
        )
        return dict(HazardDetailSerializer(hazard, context={"request": self.request}).data)

    @extend_schema(parameters=[HazardFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: HazardDetailSerializer, 404: REFUSALS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object().pk))

    @extend_schema(
        request=HazardCreateSerializer,
        responses={201: HazardDetailSerializer, 400: REFUSALS[400], 403: REFUSALS[403]},
    )
    def create(self, request: Request) -> Response:
        """Record a hazard (the enterprise's users, its group, its district)."""
        user = acting_user(request)
        serializer = HazardCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
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
        basis_id = data.pop("major_basis", None)
        if basis_id is not None:
            basis = CatalogueItem.objects.select_related("version").filter(pk=basis_id).first()
            if basis is None:
                raise serializers.ValidationError(
                    {"major_basis": [_("Choose an item of the catalogue.")]}
                )
            data["major_basis"] = basis
        data = {key: value for key, value in data.items() if value != ""}
        with ledger_errors():
            hazard = services.hazard_record(actor=user, enterprise=enterprise, **data)
        return Response(self._detail(hazard.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=HazardMoveSerializer,
        parameters=[
            OpenApiParameter(
                "transition",
                str,
                OpenApiParameter.PATH,
                enum=sorted(TRANSITIONS),
                description=gettext_lazy("The move (hazards/workflow.py)."),
            )
        ],
        responses={200: HazardDetailSerializer, **REFUSALS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"moves/(?P<transition>[a-z_]+)",
        url_name="move",
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )
    def move(self, request: Request, pk: str | None = None, transition: str = "") -> Response:
        """Make one move of the hazard's workflow."""
        hazard = self.get_object()
        if transition not in TRANSITIONS:
            raise NotFound(_("No such step."))
        serializer = HazardMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v not in ("", None)}
        with ledger_errors():
            services.perform(actor=acting_user(request), hazard=hazard, move=transition, **data)
        return Response(self._detail(hazard.pk))

    @extend_schema(
        request=HazardExtendSerializer, responses={200: HazardDetailSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        """A later deadline with its reason (the principal or the district)."""
        hazard = self.get_object()
        deny_unless(
            services.acts_as_any(acting_user(request), hazard, EXTEND_DEADLINE_ACTORS),
            _("Only the enterprise's principal or the district may extend a deadline."),
        )
        serializer = HazardExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            services.extend_deadline(
                actor=acting_user(request), hazard=hazard, **serializer.validated_data
            )
        return Response(self._detail(hazard.pk))

    @extend_schema(
        request={"multipart/form-data": HazardPhotoUploadSerializer},
        responses={201: HazardPhotoSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request: Request, pk: str | None = None) -> Response:
        """Add a JPG or PNG photo, before or after rectification."""
        hazard = self.get_object()
        deny_unless(
            services.may_record(acting_user(request), hazard.enterprise),
            _("Your organisation cannot add photos to this hazard."),
        )
        serializer = HazardPhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            photo = services.photo_add(
                actor=acting_user(request),
                hazard=hazard,
                kind=serializer.validated_data["kind"],
                upload=serializer.validated_data["file"],
            )
        return Response(HazardPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[0-9]+)",
        url_name="photo",
    )
    def photo(self, request: Request, pk: str | None = None, photo_id: str = "") -> Response:
        """The photo, as an attachment under the name it was uploaded with."""
        hazard = self.get_object()
        photo = HazardPhoto.objects.filter(hazard=hazard, pk=photo_id).first()
        if photo is None:
            raise NotFound(_("This hazard has no such photo."))
        return stored_file_response(
            photo.file, filename=photo.original_name, content_type=photo.content_type
        )

    @extend_schema(
        parameters=[HazardFilterSerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        """The list with the same filters, as an Excel workbook."""
        qs = self.filter_queryset(self.get_queryset())
        filename = f"hazards-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(
            export_hazards(qs), as_attachment=True, filename=filename, content_type=XLSX
        )
