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

from typing import Any, cast

from django.db import transaction
from django.db.models import F, Field, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
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
from certification.assignment import rules as assigning
from certification.models import (
    Application,
    ApplicationEvent,
    Assignment,
    AssignmentMember,
    Material,
    MaterialKind,
    Status,
)
from certification.models.applications import REQUIRED_MATERIALS
from certification.workflow import TRANSITIONS, transitions_from
from enterprises.models import Enterprise
from portal.api.base import (
    IdField,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    deny_unless,
)
from portal.files import stored_file_response
from portal.models import Organisation, OrganisationKind
from portal.parsers import JSONParser
from reviews.models import Assessment, Reviewer

# --------------------------------------------------------------------------
# Errors of the workflow


# --------------------------------------------------------------------------
# Output


class ApplicationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    district = serializers.CharField(source="enterprise.region_id")
    district_name = serializers.CharField(source="enterprise.region.display_name")
    industry_name = serializers.CharField(source="industry.display_name")
    tier_display = serializers.CharField(source="get_tier_display")
    status_display = serializers.CharField(source="get_status_display")
    applicant_name = serializers.CharField(source="applicant.name")
    receiver_name = serializers.CharField(source="receiver.name")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "district",
            "district_name",
            "industry",
            "industry_name",
            "tier",
            "tier_display",
            "status",
            "status_display",
            "applicant",
            "applicant_name",
            "receiver",
            "receiver_name",
            "status_changed_at",
            "due_on",
            "due_is_estimated",
            "overdue",
            "created_at",
            "submitted_at",
        ]

    def get_overdue(self, application: Application) -> bool:
        return application.due_on is not None and application.due_on < timezone.localdate()


class MaterialSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    name = serializers.CharField(source="original_name")
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, material: Material) -> str:
        path = reverse(
            "api-application-material",
            kwargs={"pk": material.application_id, "material_id": material.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# Named apart from the certificate's history events in the schema.
@extend_schema_serializer(component_name="ApplicationEvent")
class EventSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields off the class
    to_status_display = serializers.CharField(source="get_to_status_display")
    actor = serializers.CharField(source="actor.username")
    actor_name = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)

    class Meta:
        model = ApplicationEvent
        fields = [
            "id",
            "transition",
            "label",
            "from_status",
            "to_status",
            "to_status_display",
            "actor",
            "actor_name",
            "organisation",
            "comment",
            "created_at",
        ]

    def get_label(self, event: ApplicationEvent) -> str:
        move = TRANSITIONS.get(event.transition)
        return str(move.label) if move else event.transition

    def get_actor_name(self, event: ApplicationEvent) -> str:
        return event.actor.get_full_name() or event.actor.username


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="reviewer.name")
    certificate_no = serializers.CharField(source="reviewer.certificate_no")
    signed_by = serializers.CharField(
        source="declaration_signed_by.username", allow_null=True, default=None
    )

    class Meta:
        model = AssignmentMember
        fields = [
            "reviewer",
            "name",
            "certificate_no",
            "is_leader",
            "declaration_signed_at",
            "signed_by",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    flagged = serializers.BooleanField(source="is_flagged")
    members = MemberSerializer(many=True)

    class Meta:
        model = Assignment
        fields = ["unit", "unit_name", "assigned_at", "flagged", "members"]


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields off the class
    url = serializers.CharField()
    needs_comment = serializers.BooleanField()


class ApplicationDetailSerializer(ApplicationSerializer):
    assessment_score = serializers.DecimalField(
        source="assessment.submitted_score", max_digits=4, decimal_places=1, allow_null=True
    )
    assessment_grade = serializers.CharField(source="assessment.submitted_grade")
    materials = MaterialSerializer(many=True)
    missing_materials = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    assignment = serializers.SerializerMethodField()
    timeline = EventSerializer(many=True, source="events")

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "assessment",
            "assessment_score",
            "assessment_grade",
            "deaths_last_year",
            "serious_injuries_last_year",
            "accidents_last_3_years",
            "declaration_confirmed",
            "national_result",
            "national_reference",
            "materials",
            "missing_materials",
            "actions",
            "assignment",
            "timeline",
        ]

    @extend_schema_field(AssignmentSerializer(allow_null=True))
    def get_assignment(self, application: Application) -> dict | None:
        """The current review unit and team, with the declarations."""
        current = (
            Assignment.objects.filter(application=application, withdrawn_at__isnull=True)
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=AssignmentMember.objects.select_related(
                        "reviewer", "declaration_signed_by"
                    ),
                )
            )
            .first()
        )
        return AssignmentSerializer(current).data if current else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_materials(self, application: Application) -> list[str]:
        have = {material.kind for material in application.materials.all()}
        return [kind.value for kind in REQUIRED_MATERIALS if kind not in have]

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, application: Application) -> list[dict]:
        """The moves the user can make now, from the workflow's declaration."""
        request = self.context["request"]
        return [
            {
                "name": move.name,
                "label": str(move.label),
                "needs_comment": move.needs_comment,
                "url": request.build_absolute_uri(
                    reverse(f"api-application-{move.name.replace('_', '-')}", args=[application.pk])
                ),
            }
            for move in transitions_from(application.status, application.tier)
            if not move.via_batch and engine.can_perform(request.user, application, move)
        ]


# --------------------------------------------------------------------------
# Input


class ApplicationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    tier = serializers.ChoiceField(
        choices=Application.Tier.choices, required=False, allow_blank=True
    )
    enterprise = IdField(required=False, help_text=gettext_lazy("Enterprise id."))
    district = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("District code.")
    )
    industry = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Industry code.")
    )
    overdue = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Only applications past their step's due date.")
    )


class DeclarationSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    deaths_last_year = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    serious_injuries_last_year = serializers.IntegerField(
        min_value=0, max_value=32767, required=False
    )
    accidents_last_3_years = serializers.CharField(
        required=False, allow_blank=True, max_length=4000
    )
    declaration_confirmed = serializers.BooleanField(required=False)


class ApplicationCreateSerializer(DeclarationSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "The enterprise applying: a group names one of its members; "
            "an enterprise may leave it out (its own is used)."
        ),
    )
    assessment = serializers.PrimaryKeyRelatedField(
        queryset=Assessment.objects.none(),
        help_text=gettext_lazy("A submitted self-assessment of that enterprise."),
    )
    tier = serializers.ChoiceField(choices=Application.Tier.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # None when the schema is generated
            org = request.user.organisation_id
            self.fields["enterprise"].queryset = Enterprise.objects.filter(
                Q(account_id=org) | Q(group_id=org)
            )
            self.fields["assessment"].queryset = Assessment.objects.visible_to(request.user)


class MaterialUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    file = serializers.FileField(
        help_text=gettext_lazy("PDF, JPG, PNG, DOCX or XLSX, at most 20 MB.")
    )


class CommentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=gettext_lazy("Reasons; required to return or not accept an application."),
    )


class NationalResultSerializer(CommentSerializer):
    national_result = serializers.ChoiceField(
        choices=cast("Field[Any, Any]", Application._meta.get_field("national_result")).choices
        or ()
    )
    national_reference = serializers.CharField(
        max_length=100, help_text=gettext_lazy("The national notice or letter number.")
    )


class RectificationRequestSerializer(CommentSerializer):
    deadline = serializers.DateField(
        help_text=gettext_lazy("The date the enterprise must rectify by.")
    )


class AssignSerializer(CommentSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.REVIEW_UNIT),
        help_text=gettext_lazy("The review unit (see suggestions/)."),
    )
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Reviewer.objects.all(), help_text=gettext_lazy("The team leader's id.")
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=Reviewer.objects.all(),
        many=True,
        required=False,
        help_text=gettext_lazy(
            "The other reviewers of the team: at least two with the leader, all of the unit."
        ),
    )


class SignSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=Reviewer.objects.all(),
        help_text=gettext_lazy("The team member whose no-conflict declaration is signed."),
    )


class ReviewerBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reviewer
        fields = ["id", "name", "certificate_no"]


class SuggestionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    eligible = serializers.BooleanField()
    workload = serializers.IntegerField(
        help_text=gettext_lazy("Current assignments being reviewed.")
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("Why the unit is excluded.")
    )
    reviewers = ReviewerBriefSerializer(many=True)


# --------------------------------------------------------------------------
# Endpoints


def list_queryset(qs):
    """What a list row shows, in a fixed number of queries."""
    return qs.select_related("enterprise__region", "industry", "applicant", "receiver")


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
            "district": "enterprise__region_id",
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
