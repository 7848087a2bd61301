"""REST API of applications and work queues (conventions: portal/api/__init__.py).

Applications follow ``Application.objects.visible_to``: a draft is seen by
its applicant alone, a submitted application by whoever oversees the
enterprise and by the organisation that receives it. Outside that scope an
application is 404.

Every move of the workflow (certification/workflow.py) has its own POST
endpoint, ``applications/<id>/<move>/``, carried out by
``certification.engine.perform``:

- the application is no longer where the move starts (someone acted
  first): **409**, with a message naming who did;
- the user's organisation does not make this move: **403**;
- a refused input (a missing material, no reasons given): **400** naming
  the field.

The detail lists the moves open to the user, so a client never has to
know the rules.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from certification import engine, selectors
from certification.api_errors import workflow_errors
from certification.applications import services
from certification.applications.serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationFilterSerializer,
    ApplicationSerializer,
    AssignSerializer,
    CommentSerializer,
    DeclarationSerializer,
    MaterialSerializer,
    MaterialUploadSerializer,
    NationalResultSerializer,
    RectificationRequestSerializer,
    SignSerializer,
    SuggestionSerializer,
)
from certification.assignment import rules as assigning
from certification.models import (
    Application,
    ApplicationEvent,
    Material,
)
from certification.workflow import TRANSITIONS
from enterprises.models import Enterprise
from portal.api.base import (
    PortalAPIMixin,
    deny_unless,
)
from portal.api.pagination import CappedPagination
from portal.files import stored_file_response
from portal.models import OrganisationKind
from portal.parsers import JSONParser

# --------------------------------------------------------------------------
# Errors of the workflow


# --------------------------------------------------------------------------
# Endpoints


def list_queryset(qs):
    """What a list row shows, in a fixed number of queries."""
    return qs.select_related("enterprise", "applicant", "receiver")


MOVE_RESPONSES = {
    200: ApplicationDetailSerializer,
    400: OpenApiResponse(description=gettext_lazy("Refused input, naming the field.")),
    403: OpenApiResponse(description=gettext_lazy("Your organisation does not make this move.")),
    404: OpenApiResponse(description=gettext_lazy("Not in your scope.")),
    409: OpenApiResponse(
        description=gettext_lazy(
            "The application is no longer where this move starts; the message names who acted."
        )
    ),
}


def _move_endpoint(name: str, body: type[serializers.Serializer] = CommentSerializer):
    """One POST endpoint per declared move: applications/<id>/<move>/."""
    move = TRANSITIONS[name]

    def endpoint(self, request, pk=None):
        return self._perform(request, name, body)

    endpoint.__name__ = f"{name}_" if name == "return" else name
    endpoint.__doc__ = (
        f"Move the application ({', '.join(move.sources)} → {move.target}); "
        f"made by the {move.actor}."
    )
    path = name.replace("_", "-")
    endpoint = action(
        detail=True,
        methods=["post"],
        url_path=path,
        url_name=path,
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )(endpoint)
    return extend_schema(request=body, responses=MOVE_RESPONSES)(endpoint)


@extend_schema_view(
    list=extend_schema(parameters=[ApplicationFilterSerializer]),
    retrieve=extend_schema(responses=ApplicationDetailSerializer),
)
class ApplicationViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Applications for a grade in the user's scope, with their materials,
    timeline and the moves open to the user."""

    serializer_class = ApplicationSerializer
    pagination_class = CappedPagination

    def get_queryset(self):
        qs = list_queryset(Application.objects.visible_to(self.request.user))
        if self.action == "list":
            return qs.order_by(F("due_on").asc(nulls_last=True), "-created_at", "-id")
        return qs

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = ApplicationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = {key: value for key, value in params.validated_data.items() if value != ""}
        lookups = {
            "status": "status",
            "tier": "tier",
            "enterprise": "enterprise_id",
            "district": "region_id",
            "industry": "industry_id",
        }
        queryset = queryset.filter(**{lookups[key]: data[key] for key in lookups if key in data})
        if data.get("overdue"):
            queryset = queryset.filter(due_on__lt=timezone.localdate())
        return queryset

    def _detail(self, pk: int) -> dict:
        application = (
            self.get_queryset()
            .select_related("assessment")
            .prefetch_related(
                Prefetch("materials", queryset=Material.objects.select_related("uploaded_by")),
                Prefetch(
                    "events",
                    queryset=ApplicationEvent.objects.select_related("actor", "organisation"),
                ),
            )
            .get(pk=pk)
        )
        return ApplicationDetailSerializer(application, context={"request": self.request}).data

    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object().pk))

    @extend_schema(
        request=ApplicationCreateSerializer, responses={201: ApplicationDetailSerializer}
    )
    def create(self, request):
        user = request.user
        kind = user.organisation.kind
        deny_unless(
            kind in (OrganisationKind.ENTERPRISE, OrganisationKind.GROUP),
            _("Only an enterprise or its group can apply for a grade."),
        )
        serializer = ApplicationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise", None)
        if enterprise is None:
            enterprise = Enterprise.objects.filter(account_id=user.organisation_id).first()
            if enterprise is None or kind == OrganisationKind.GROUP:
                raise serializers.ValidationError(
                    {"enterprise": [_("Name the enterprise that applies.")]}
                )
        confirmed = data.pop("declaration_confirmed", None)
        with workflow_errors(), transaction.atomic():
            application = services.application_create(actor=user, enterprise=enterprise, **data)
            if confirmed is not None:
                services.application_update(
                    actor=user, application=application, declaration_confirmed=confirmed
                )
        return Response(self._detail(application.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=DeclarationSerializer, responses=ApplicationDetailSerializer)
    def partial_update(self, request, pk=None):
        """Change the accident declaration (a draft, or when returned)."""
        application = self.get_object()
        serializer = DeclarationSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            services.application_update(
                actor=request.user, application=application, **serializer.validated_data
            )
        return Response(self._detail(application.pk))

    # -- materials --------------------------------------------------------------

    @extend_schema(
        request={"multipart/form-data": MaterialUploadSerializer},
        responses={201: MaterialSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def materials(self, request, pk=None):
        """Upload a material (a draft, or when returned; the applicant only)."""
        application = self.get_object()
        serializer = MaterialUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            material = services.material_add(
                actor=request.user,
                application=application,
                kind=serializer.validated_data["kind"],
                upload=serializer.validated_data["file"],
            )
        material = Material.objects.select_related("uploaded_by").get(pk=material.pk)
        return Response(
            MaterialSerializer(material, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"materials/(?P<material_id>[0-9]+)",
        url_name="material",
    )
    def material(self, request, pk=None, material_id=None):
        """The file, as an attachment under the name it was uploaded with."""
        application = self.get_object()
        material = Material.objects.filter(application=application, pk=material_id).first()
        if material is None:
            raise NotFound(_("This application has no such material."))
        return stored_file_response(
            material.file, filename=material.original_name, content_type=material.content_type
        )

    # -- moves ------------------------------------------------------------------

    submit = _move_endpoint("submit")
    resubmit = _move_endpoint("resubmit")
    withdraw = _move_endpoint("withdraw")
    accept = _move_endpoint("accept")
    return_ = _move_endpoint("return")
    reject = _move_endpoint("reject")
    forward_national = _move_endpoint("forward_national")
    record_national_result = _move_endpoint("record_national_result", NationalResultSerializer)
    assign = _move_endpoint("assign", AssignSerializer)
    start_review = _move_endpoint("start_review")
    withdraw_assignment = _move_endpoint("withdraw_assignment")
    request_rectification = _move_endpoint("request_rectification", RectificationRequestSerializer)
    submit_rectification = _move_endpoint("submit_rectification")
    submit_report = _move_endpoint("submit_report")
    verify = _move_endpoint("verify")
    verify_lower = _move_endpoint("verify_lower")
    consent_lower = _move_endpoint("consent_lower")
    approve = _move_endpoint("approve")
    return_to_organiser = _move_endpoint("return_to_organiser")
    refuse_grade = _move_endpoint("refuse_grade")
    send_back = _move_endpoint("send_back")
    close_not_reached = _move_endpoint("close_not_reached")
    withdraw_from_publicity = _move_endpoint("withdraw_from_publicity")
    # start_publicity and announce are made for whole batches: see
    # certification/publicity/api.py.

    @extend_schema(request=SignSerializer, responses=MOVE_RESPONSES)
    @action(
        detail=True,
        methods=["post"],
        url_path="declaration",
        url_name="declaration-sign",
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )
    def sign_declaration(self, request, pk=None):
        """Sign a team member's no-conflict declaration (assigned applications;
        the reviewer's own login, or for a reviewer without one any user of
        the unit)."""
        application = self.get_object()
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            assigning.declaration_sign(
                actor=request.user,
                application=application,
                reviewer=serializer.validated_data["reviewer"],
            )
        return Response(self._detail(application.pk))

    @extend_schema(responses=SuggestionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        """Review units for an accepted application: eligible ones first by
        workload, then the excluded ones with the reasons (the receiver only)."""
        application = self.get_object()
        move = TRANSITIONS["assign"]
        deny_unless(
            request.user.can_act
            and request.user.organisation_id == application.receiver_id
            and (move.tiers is None or application.tier in move.tiers),
            _("Only the organisation that received the application assigns it."),
        )
        return Response(SuggestionSerializer(assigning.suggestions(application), many=True).data)

    def _perform(self, request, name: str, body: type[serializers.Serializer]) -> Response:
        application = self.get_object()
        serializer = body(data=request.data)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            engine.perform(
                actor=request.user,
                application=application,
                transition=name,
                **serializer.validated_data,
            )
        return Response(self._detail(application.pk))


class QueueViewSet(PortalAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The user's work queue (待办): applications waiting on the user's
    organisation, overdue first, then by due date."""

    serializer_class = ApplicationSerializer

    def get_queryset(self):
        return selectors.queue_for(self.request.user, list_queryset(Application.objects.all()))
