"""API of certification/lifecycle/rules.py and enterprises/accidents.py, mounted
under /api/v1/ by portal/api_urls.py (``urlpatterns``, added before the
router's, so they sit beside ``certificates/<id>/`` of api_publicity).

- ``GET certificates/<id>/history/``: status, grade, the events, the
  annual self-assessments and the changes open to the user; whoever sees
  the certificate (publicity.certificates_visible_to), otherwise 404.
- ``POST certificates/<id>/keep|suspend|reinstate|revoke/``: the
  grading authority (the announcing organisation and the city office);
  others in scope 403. Body: ``reason`` (a RevocationReason code; optional
  for reinstate), ``note``. There is no downgrade: a lower grade is a
  revocation and a new certificate with its own number. A wrong state (e.g.
  reinstating a valid certificate, anything on a revoked one): 409; bad
  input: 400 naming the field.
- ``GET|POST enterprises/<id>/accidents/``: the enterprise's accidents
  (whoever sees the enterprise); recorded by its district, the city office
  and the enterprise itself (others 403).
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certification import selectors
from certification.api_errors import workflow_errors
from certification.lifecycle import annual
from certification.lifecycle import rules as lifecycle
from certification.models import (
    AnnualSelfAssessment,
    Certificate,
    CertificateEvent,
    RevocationReason,
)
from certification.workflow import tier_label
from enterprises import accidents
from enterprises.models import Accident, AccidentFinding, Enterprise
from portal.api.base import PortalAPIMixin, RejectUnknownFieldsMixin, deny_unless
from portal.api.labels import ChoiceLabelField
from portal.parsers import JSONParser

WRITE_RESPONSES = {
    400: OpenApiResponse(description=gettext_lazy("Refused input, naming the field.")),
    403: OpenApiResponse(description=gettext_lazy("Your organisation does not make this change.")),
    404: OpenApiResponse(description=gettext_lazy("Not in your scope.")),
    409: OpenApiResponse(
        description=gettext_lazy("The certificate's state does not allow this change.")
    ),
}


# --------------------------------------------------------------------------
# Output


# Named apart from the application's workflow events in the schema.
@extend_schema_serializer(component_name="CertificateEvent")
class EventSerializer(serializers.ModelSerializer):
    action_display = ChoiceLabelField("action")
    reason_display = ChoiceLabelField("reason")
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = CertificateEvent
        fields = [
            "id",
            "action",
            "action_display",
            "from_status",
            "to_status",
            "from_tier",
            "to_tier",
            "reason",
            "reason_display",
            "note",
            "announcement",
            "actor",
            "created_at",
        ]


class AnnualSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualSelfAssessment
        fields = [
            "id",
            "kind",
            "accident",
            "acknowledged_at",
            "year",
            "due_on",
            "assessment",
            "submitted_at",
            "reminded_on",
            "overdue_recorded_at",
        ]


class HistorySerializer(serializers.ModelSerializer):
    status_display = ChoiceLabelField("status")
    tier_display = serializers.SerializerMethodField()
    status_reason_display = ChoiceLabelField("status_reason")
    events = EventSerializer(many=True)
    annual_assessments = AnnualSerializer(many=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "enterprise",
            "tier",
            "tier_display",
            "status",
            "status_display",
            "status_reason",
            "status_reason_display",
            "status_note",
            "status_changed_at",
            "valid_from",
            "valid_until",
            "reapply_locked_until",
            "review_flagged_at",
            "review_flag_reason",
            "events",
            "annual_assessments",
            "actions",
        ]

    def get_tier_display(self, certificate: Certificate) -> str:
        return tier_label(certificate.tier)

    def get_actions(self, certificate: Certificate) -> list[str]:
        request = self.context.get("request")
        return lifecycle.actions_open(request.user, certificate) if request else []


class AccidentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Accident
        fields = [
            "id",
            "enterprise",
            "occurred_on",
            "deaths",
            "serious_injuries",
            "direct_loss",
            "description",
            "recorded_by",
            "recorded_at",
            "finding",
            "finding_reference",
            "finding_note",
            "finding_at",
        ]
        read_only_fields = [
            "id",
            "enterprise",
            "recorded_by",
            "recorded_at",
            "finding",
            "finding_reference",
            "finding_note",
            "finding_at",
        ]


# --------------------------------------------------------------------------
# Input


class ChangeSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=RevocationReason.choices,
        default="",
        allow_blank=True,
        help_text=gettext_lazy("Required except to reinstate."),
    )
    note = serializers.CharField(
        max_length=2000, help_text=gettext_lazy("The explanation; the enterprise sees it.")
    )


class AccidentCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    occurred_on = serializers.DateField()
    deaths = serializers.IntegerField(min_value=0, max_value=32767, default=0)
    serious_injuries = serializers.IntegerField(min_value=0, max_value=32767, default=0)
    direct_loss = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, default=Decimal(0)
    )
    description = serializers.CharField(max_length=accidents.MAX_DESCRIPTION)


class AccidentFindingSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    finding = serializers.ChoiceField(choices=AccidentFinding.choices)
    reference = serializers.CharField(
        max_length=100, help_text=gettext_lazy("The finding's document number.")
    )
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


# --------------------------------------------------------------------------
# Endpoints


def _certificate(user, pk: int) -> Certificate:
    certificate = (
        selectors.certificates_visible_to(user)
        .select_related("announcement", "enterprise", "application")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def _history(request, pk: int) -> Response:
    certificate = (
        selectors.certificates_visible_to(request.user)
        .prefetch_related("events__actor", "annual_assessments")
        .select_related("announcement")
        .get(pk=pk)
    )
    return Response(HistorySerializer(certificate, context={"request": request}).data)


class CertificateHistoryView(PortalAPIMixin, APIView):
    @extend_schema(responses={200: HistorySerializer})
    def get(self, request, pk: int):
        """A certificate's status, history and annual self-assessments."""
        _certificate(request.user, pk)
        return _history(request, pk)


class CertificateChangeView(PortalAPIMixin, APIView):
    action_name = ""
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_serializer_class(self):
        return ChangeSerializer

    def post(self, request, pk: int):
        certificate = _certificate(request.user, pk)
        deny_unless(
            lifecycle.is_authority(request.user, certificate),
            str(
                gettext_lazy(
                    "Only the organisation that announced the certificate "
                    "and the city office change it."
                )
            ),
        )
        serializer = self.get_serializer_class()(data=request.data)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            lifecycle.ACTIONS[self.action_name](
                actor=request.user, certificate=certificate, **serializer.validated_data
            )
        return _history(request, pk)


def _change_view(name: str, doc: str, serializer):
    def post(self, request, pk: int):
        return CertificateChangeView.post(self, request, pk)

    post = extend_schema(
        request=serializer, description=doc, responses={200: HistorySerializer, **WRITE_RESPONSES}
    )(post)
    view = cast(
        type[CertificateChangeView],
        type(
            f"Certificate{name.title()}View",
            (CertificateChangeView,),
            {"action_name": name, "post": post},
        ),
    )
    return view.as_view()


class AccidentListView(PortalAPIMixin, generics.ListAPIView):
    serializer_class = AccidentSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _enterprise(self) -> Enterprise:
        enterprise = (
            Enterprise.objects.visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        )
        if enterprise is None:
            raise Http404
        return enterprise

    def get_queryset(self):
        return Accident.objects.filter(enterprise=self._enterprise()).select_related("recorded_by")

    @extend_schema(
        request=AccidentCreateSerializer, responses={201: AccidentSerializer, **WRITE_RESPONSES}
    )
    def post(self, request, pk: int):
        """Record an accident; a fatal one flags the certificates for a
        revocation review."""
        enterprise = self._enterprise()
        deny_unless(
            accidents.can_record(request.user, enterprise),
            str(
                gettext_lazy(
                    "Only the enterprise, its district and the city office record accidents."
                )
            ),
        )
        serializer = AccidentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            accident = accidents.accident_record(
                actor=request.user, enterprise=enterprise, **serializer.validated_data
            )
        return Response(AccidentSerializer(accident).data, status=status.HTTP_201_CREATED)


class AnnualAcknowledgeView(PortalAPIMixin, APIView):
    @extend_schema(request=None, responses={200: HistorySerializer, **WRITE_RESPONSES})
    def post(self, request, pk: int, row_id: int):
        """The grading authority acknowledges a delivered self-assessment (once)."""
        certificate = _certificate(request.user, pk)
        row = AnnualSelfAssessment.objects.filter(pk=row_id, certificate=certificate).first()
        if row is None:
            raise Http404
        deny_unless(
            lifecycle.is_authority(request.user, certificate),
            str(gettext_lazy("Only the grading authority acknowledges self-assessments.")),
        )
        with workflow_errors():
            annual.annual_acknowledge(actor=request.user, row=row)
        return _history(request, pk)


class AccidentFindingView(PortalAPIMixin, APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=AccidentFindingSerializer, responses={200: AccidentSerializer, **WRITE_RESPONSES}
    )
    def post(self, request, pk: int, accident_id: int):
        """Record the finding (事故认定) on an accident: its district or the city office, once."""
        enterprise = Enterprise.objects.visible_to(request.user).filter(pk=pk).first()
        accident = (
            Accident.objects.filter(pk=accident_id, enterprise=enterprise).first()
            if enterprise is not None
            else None
        )
        if accident is None or enterprise is None:
            raise Http404
        deny_unless(
            accidents.can_record_finding(request.user, enterprise),
            str(gettext_lazy("Only the enterprise's district and the city office record it.")),
        )
        serializer = AccidentFindingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with workflow_errors():
            accident = accidents.accident_record_finding(
                actor=request.user, accident=accident, **serializer.validated_data
            )
        return Response(AccidentSerializer(accident).data)


def _urls():
    from django.urls import path

    docs = {
        "keep": ("Close a revocation review without revoking (the flag goes).", ChangeSerializer),
        "suspend": ("Suspend a valid certificate.", ChangeSerializer),
        "reinstate": ("Reinstate a suspended certificate.", ChangeSerializer),
        "revoke": (
            "Revoke: published in a revocation announcement; re-application is locked.",
            ChangeSerializer,
        ),
    }
    patterns = [
        path(
            "certificates/<int:pk>/history/",
            CertificateHistoryView.as_view(),
            name="api-certificate-history",
        )
    ]
    for name, (doc, serializer) in docs.items():
        patterns.append(
            path(
                f"certificates/<int:pk>/{name}/",
                _change_view(name, doc, serializer),
                name=f"api-certificate-{name}",
            )
        )
    patterns.append(
        path(
            "enterprises/<int:pk>/accidents/",
            AccidentListView.as_view(),
            name="api-enterprise-accidents",
        )
    )
    patterns.append(
        path(
            "enterprises/<int:pk>/accidents/<int:accident_id>/finding/",
            AccidentFindingView.as_view(),
            name="api-enterprise-accident-finding",
        )
    )
    patterns.append(
        path(
            "certificates/<int:pk>/annual/<int:row_id>/acknowledge/",
            AnnualAcknowledgeView.as_view(),
            name="api-certificate-annual-acknowledge",
        )
    )
    return patterns


routes: list = []
urlpatterns = _urls()
