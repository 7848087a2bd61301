"""API of certification/publicity/rules.py, mounted under /api/v1/ by portal/api_urls.py:
``routes`` go to the router, ``urlpatterns`` are added as they are.

- ``publicity-batches/``: the batches the user manages (the publishing
  grading authority, district or regulator, its own; an organising unit the
  ones it published before; the city office all; other
  organisations 403). POST publishes applications the grading authority
  approved.
- ``objections/<id>/resolve/``: the publishing organisation resolves an
  objection (objections of other organisations' batches: 404; the city
  office: 403).
- ``announcements/``: the same scope as batches; POST announces
  applications whose publicity is over and issues their certificates.
- ``certificates/``: the enterprise its own, a district its district's, an
  organiser what it announced, the city office all.
- ``public/announcements/``: no login; the announced enterprises with
  their certificate numbers and validity, nothing private.

Refusals: 400 naming the field, 403 for the wrong role, 409 when an
application or objection moved on in the meantime.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from certification import selectors
from certification.api_errors import workflow_errors
from certification.models import (
    AnnouncementBatch,
    Application,
    Certificate,
    CertificateEvent,
    Objection,
    PublicityBatch,
    PublicityItem,
)
from certification.publicity import objections
from certification.publicity import rules as publicity
from certification.workflow import tier_label
from portal.api.base import (
    PortalAPIMixin,
    PortalPagination,
    RejectUnknownFieldsMixin,
    deny_unless,
)
from portal.api.labels import ChoiceLabelField
from portal.api.pagination import CappedPagination
from portal.parsers import JSONParser

PUBLISHERS_ONLY = gettext_lazy(
    "Only the grading authorities publish and announce applications; the city "
    "office and the organising units read them."
)

WRITE_RESPONSES = {
    400: OpenApiResponse(description=gettext_lazy("Refused input, naming the field.")),
    403: OpenApiResponse(description=gettext_lazy("Your organisation does not make this step.")),
    409: OpenApiResponse(description=gettext_lazy("Someone acted first.")),
}

# --------------------------------------------------------------------------
# Output


class ObjectionSerializer(serializers.ModelSerializer):
    outcome_display = ChoiceLabelField("outcome")
    resolved_by = serializers.CharField(
        source="resolved_by.username", allow_null=True, default=None
    )

    class Meta:
        model = Objection
        fields = [
            "id",
            "item",
            "name",
            "contact",
            "text",
            "created_at",
            "outcome",
            "outcome_display",
            "resolution",
            "resolved_by",
            "resolved_at",
        ]


class PublicityItemSerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="application.enterprise_id")
    enterprise_name = serializers.CharField(source="application.enterprise.name")
    tier_display = serializers.SerializerMethodField()
    objections = ObjectionSerializer(many=True)

    class Meta:
        model = PublicityItem
        fields = [
            "id",
            "application",
            "enterprise",
            "enterprise_name",
            "tier",
            "tier_display",
            "removed_at",
            "objections",
        ]

    def get_tier_display(self, item: PublicityItem) -> str:
        return tier_label(item.tier)


class PublicityBatchSerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(source="organiser.name")
    is_open = serializers.SerializerMethodField()
    items = PublicityItemSerializer(many=True)

    class Meta:
        model = PublicityBatch
        fields = [
            "id",
            "title",
            "organiser",
            "organiser_name",
            "starts_on",
            "ends_on",
            "is_open",
            "created_at",
            "items",
        ]

    def get_is_open(self, batch: PublicityBatch) -> bool:
        return publicity.window_open(batch)


class CertificateSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    district = serializers.CharField(source="enterprise.region_id")
    district_name = serializers.CharField(source="enterprise.region.display_name")
    industry_name = serializers.CharField(source="industry.display_name")
    tier_display = serializers.SerializerMethodField()
    status_display = ChoiceLabelField("status")
    announcement_title = serializers.CharField(source="announcement.title")

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "application",
            "enterprise",
            "enterprise_name",
            "district",
            "district_name",
            "industry",
            "industry_name",
            "tier",
            "tier_display",
            "announcement",
            "announcement_title",
            "valid_from",
            "valid_until",
            "status",
            "status_display",
        ]

    def get_tier_display(self, certificate: Certificate) -> str:
        return tier_label(certificate.tier)


class AnnouncementCertificateSerializer(CertificateSerializer):
    class Meta(CertificateSerializer.Meta):
        fields = [
            f
            for f in CertificateSerializer.Meta.fields
            if f not in ("announcement", "announcement_title")
        ]


class PublicCertificateSerializer(CertificateSerializer):
    """What the public page shows: no application id."""

    class Meta(CertificateSerializer.Meta):
        fields = [
            "number",
            "enterprise_name",
            "district",
            "district_name",
            "industry",
            "industry_name",
            "tier",
            "tier_display",
            "valid_from",
            "valid_until",
            "status",
            "status_display",
        ]


class RevocationSerializer(serializers.ModelSerializer):
    """One grade withdrawn by a revocation announcement: the certificate and why."""

    # Typed as the base serializer: the public variant shows other columns.
    certificate: CertificateSerializer = AnnouncementCertificateSerializer()
    reason_display = ChoiceLabelField("reason")
    revoked_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = CertificateEvent
        fields = ["certificate", "reason", "reason_display", "revoked_at"]


class PublicRevocationSerializer(RevocationSerializer):
    certificate = PublicCertificateSerializer()


class AnnouncementSerializer(serializers.ModelSerializer):
    """``certificates``: what an award announcement issued; ``revocations``: what a
    revocation announcement withdrew (each list is empty for the other kind)."""

    organiser_name = serializers.CharField(source="organiser.name")
    kind_display = ChoiceLabelField("kind")
    # Typed as the base serializer: the public variant shows other columns.
    certificates: CertificateSerializer = AnnouncementCertificateSerializer(many=True)
    revocations = RevocationSerializer(many=True)

    class Meta:
        model = AnnouncementBatch
        fields = [
            "id",
            "title",
            "kind",
            "kind_display",
            "organiser",
            "organiser_name",
            "year",
            "number",
            "announced_on",
            "certificates",
            "revocations",
        ]


class PublicAnnouncementSerializer(AnnouncementSerializer):
    certificates = PublicCertificateSerializer(many=True)
    revocations = PublicRevocationSerializer(many=True)

    class Meta(AnnouncementSerializer.Meta):
        fields = [
            "id",
            "title",
            "kind",
            "kind_display",
            "organiser_name",
            "year",
            "number",
            "announced_on",
            "certificates",
            "revocations",
        ]


# --------------------------------------------------------------------------
# Input


class _ApplicationsField(serializers.PrimaryKeyRelatedField):
    """Ids of applications in the user's scope (others: “does not exist”)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Application.objects.all(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:  # the schema is generated
            return Application.objects.none()
        return Application.objects.visible_to(request.user)


class PublicityBatchCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    applications = _ApplicationsField(
        many=True,
        allow_empty=False,
        help_text=gettext_lazy(
            "Ids of applications your organisation approved as grading authority."
        ),
    )
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Default: “2026年第N批…公示”."),
    )
    starts_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Today or later; default today. The window lasts the longest publicity period of "
            "its applications in working days (the small-firm simplified path's is shorter)."
        ),
    )


class AnnouncementCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    applications = _ApplicationsField(
        many=True,
        allow_empty=False,
        help_text=gettext_lazy(
            "Ids of applications in publicity whose window is over, every objection resolved."
        ),
    )
    announced_on = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("Default today; not in the future.")
    )


class ResolveSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Objection.Outcome.choices)
    resolution = serializers.CharField(
        max_length=2000, help_text=gettext_lazy("What was checked and why; the enterprise sees it.")
    )


# --------------------------------------------------------------------------
# Endpoints


def _require_overseer(user) -> None:
    deny_unless(publicity.oversees(user), str(PUBLISHERS_ONLY))


def _batches_queryset(user):
    items = PublicityItem.objects.select_related("application__enterprise").prefetch_related(
        Prefetch("objections", queryset=Objection.objects.select_related("resolved_by"))
    )
    return (
        publicity.publicity_batches_visible_to(user)
        .select_related("organiser")
        .prefetch_related(Prefetch("items", queryset=items))
    )


def _certificates():
    return Certificate.objects.select_related("enterprise__region", "industry", "announcement")


def _announcement_contents(certificates=None) -> tuple[Prefetch, Prefetch]:
    """What an announcement lists: the certificates it issued, the grades it revoked."""
    revocations = (
        CertificateEvent.objects.filter(action=CertificateEvent.Action.REVOKED)
        .select_related("certificate__enterprise__region", "certificate__industry")
        .order_by("certificate__number")
    )
    return (
        Prefetch(
            "certificates", queryset=_certificates() if certificates is None else certificates
        ),
        Prefetch("revocations", queryset=revocations),
    )


class AnnouncementPagination(PortalPagination):
    """Batches and announcements carry their items or certificates: ten a page."""

    page_size = 10


class _PublishedListViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """What the grading authorities publish (publicity batches, announcements):
    read by those who oversee them, created by those who publish. A subclass names its
    input serializer and the ``publicity`` service that creates from it."""

    pagination_class = AnnouncementPagination  # each carries its items or certificates
    input_serializer_class: type[serializers.Serializer]

    def publish(self, actor, data):
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        _require_overseer(request.user)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        _require_overseer(request.user)
        return super().retrieve(request, *args, **kwargs)

    def create(self, request):
        deny_unless(publicity.publishes(request.user), str(PUBLISHERS_ONLY))
        serializer = self.input_serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            created = self.publish(request.user, serializer.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    create=extend_schema(
        description="Publish approved applications for public comment (all or nothing).",
        request=PublicityBatchCreateSerializer,
        responses={201: PublicityBatchSerializer, **WRITE_RESPONSES},
    )
)
class PublicityBatchViewSet(_PublishedListViewSet):
    """Publicity batches with their enterprises and objections (with the
    objectors' contacts: the publishing organisation and the city office
    only)."""

    serializer_class = PublicityBatchSerializer
    input_serializer_class = PublicityBatchCreateSerializer

    def get_queryset(self):
        return _batches_queryset(self.request.user)

    def publish(self, actor, data):
        return publicity.publicity_batch_create(
            actor=actor,
            applications=data["applications"],
            title=data.get("title", ""),
            starts_on=data.get("starts_on"),
        )


class ObjectionViewSet(PortalAPIMixin, viewsets.GenericViewSet):
    """Objections to the user's publicity batches."""

    serializer_class = ObjectionSerializer

    def get_queryset(self):
        return publicity.objections_visible_to(self.request.user).select_related("resolved_by")

    @extend_schema(
        request=ResolveSerializer, responses={200: ObjectionSerializer, **WRITE_RESPONSES}
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def resolve(self, request, pk=None):
        """Resolve an objection, once: dismissed, or upheld (the application
        leaves publicity, back to reported)."""
        objection = self.get_object()
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            objections.objection_resolve(
                actor=request.user, objection=objection, **serializer.validated_data
            )
        return Response(ObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data)


@extend_schema_view(
    create=extend_schema(
        description="Announce applications whose publicity is over; issues their certificates "
        "with their numbers.",
        request=AnnouncementCreateSerializer,
        responses={201: AnnouncementSerializer, **WRITE_RESPONSES},
    )
)
class AnnouncementViewSet(_PublishedListViewSet):
    """Announcements with the certificates they issued or the grades they revoked."""

    serializer_class = AnnouncementSerializer
    input_serializer_class = AnnouncementCreateSerializer

    def get_queryset(self):
        return (
            publicity.announcements_visible_to(self.request.user)
            .select_related("organiser")
            .prefetch_related(*_announcement_contents())
        )

    def publish(self, actor, data):
        return publicity.announcement_create(
            actor=actor, applications=data["applications"], announced_on=data.get("announced_on")
        )


class CertificateViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Certificates in the user's scope."""

    serializer_class = CertificateSerializer
    pagination_class = CappedPagination

    def get_queryset(self):
        return selectors.certificates_visible_to(self.request.user, _certificates())


class PublicAnnouncementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Announcements as the public sees them (no login)."""

    serializer_class = PublicAnnouncementSerializer
    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = AnnouncementPagination

    def get_queryset(self):
        return AnnouncementBatch.objects.select_related("organiser").prefetch_related(
            *_announcement_contents(_certificates().order_by("number"))
        )


# (prefix, viewset, basename) for the router.
routes: list = [
    ("publicity-batches", PublicityBatchViewSet, "api-publicity-batch"),
    ("objections", ObjectionViewSet, "api-objection"),
    ("announcements", AnnouncementViewSet, "api-announcement"),
    ("certificates", CertificateViewSet, "api-certificate"),
    ("public/announcements", PublicAnnouncementViewSet, "api-public-announcement"),
]
urlpatterns: list = []
