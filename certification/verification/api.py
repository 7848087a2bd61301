"""API of certification/verification/rules.py, mounted under /api/v1/ by portal/api_urls.py:
``routes`` go to the router, ``urlpatterns`` are added as they are.

- ``GET /api/v1/verification-batches/``: the organiser's batches (the city
  office: every batch, read-only); other organisations: 403.
- ``POST /api/v1/verification-batches/`` ``{"applications": [ids]}``: a batch
  of the organiser's reported applications; one third is drawn at once.
  An id outside the user's scope: 400; an application the organisation did
  not receive: 403; not reported or already in a batch: 400.
- ``GET /api/v1/verification-batches/<id>/``: the items, the seed and the
  picks, and how to repeat the draw; another organiser's batch: 404.
- ``POST /api/v1/spot-checks/<id>/record/`` ``{"result", "notes"}``: the
  application's receiver records the on-site re-check (notes required when
  it failed); 409 when it was already recorded or the application moved on.

- ``POST /api/v1/verification-batches/<id>/approve/``: the organiser approves
  the batch's passed reports in one action: ``{"approved": [ids], "refused":
  [{"application", "reason"}]}``; the city office: 403; another's batch: 404.

Approving one report, sending back and closing are the application's own moves
(``POST /api/v1/applications/<id>/verify/`` etc.).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from certification.api_errors import workflow_errors
from certification.models import Application, SpotCheck, VerificationBatch
from certification.verification import approval, spot_checks
from certification.verification import rules as verification
from portal.api.base import IdField, PortalAPIMixin, RejectUnknownFieldsMixin, deny_unless
from portal.api.labels import ChoiceLabelField
from portal.parsers import JSONParser


class SpotCheckSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="application.enterprise.name")
    tier = serializers.CharField(source="application.tier")
    application_status = serializers.CharField(source="application.status")
    unit_name = serializers.CharField(source="unit.name")
    reason_display = ChoiceLabelField("reason")
    result_display = ChoiceLabelField("result")
    checked_by = serializers.CharField(source="checked_by.username", allow_null=True, default=None)

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "batch",
            "application",
            "enterprise_name",
            "tier",
            "application_status",
            "unit",
            "unit_name",
            "required",
            "reason",
            "reason_display",
            "result",
            "result_display",
            "notes",
            "checked_by",
            "checked_at",
        ]

    def to_representation(self, check: SpotCheck) -> dict:
        """The notes of a re-check are the organisers': whoever else sees the
        application (the enterprise, the review unit) gets the result only."""
        data = super().to_representation(check)
        request = self.context.get("request")
        if request is not None and not verification.may_see_notes(request.user, check.application):
            data["notes"] = ""
        return data


class BatchSerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(source="organiser.name")
    created_by = serializers.CharField(source="created_by.username")
    items = serializers.IntegerField(source="n_items", read_only=True)
    drawn = serializers.IntegerField(source="n_drawn", read_only=True)
    pending = serializers.IntegerField(
        source="n_pending", read_only=True, help_text=gettext_lazy("Required checks not recorded.")
    )
    failed = serializers.IntegerField(source="n_failed", read_only=True)

    class Meta:
        model = VerificationBatch
        fields = [
            "id",
            "name",
            "organiser",
            "organiser_name",
            "drawn_at",
            "reopened_at",
            "created_at",
            "created_by",
            "items",
            "drawn",
            "pending",
            "failed",
        ]


class BatchDetailSerializer(BatchSerializer):
    picks = serializers.SerializerMethodField()
    draw = serializers.SerializerMethodField()
    checks = SpotCheckSerializer(many=True)

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "seed", "picks", "draw", "checks"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_picks(self, batch: VerificationBatch) -> list[int]:
        """The application ids drawn for an on-site re-check."""
        return sorted(
            check.application_id
            for check in batch.checks.all()
            if check.reason == SpotCheck.Reason.DRAWN
        )

    @extend_schema_field(serializers.DictField())
    def get_draw(self, batch: VerificationBatch) -> dict:
        """How to repeat the draw from the stored seed."""
        checks = list(batch.checks.all())
        ids = verification.drawable(check.application for check in checks)
        return {
            "algorithm": "random.Random(seed).sample(sorted(ids), max(1, ceil(n / 3)))",
            "population": ids,
            # The small-firm grade's simplified path: never drawn.
            "not_drawn": sorted({c.application_id for c in checks} - set(ids)),
            "k": len(verification.draw(batch.seed, ids)),
            "python": verification.draw_instructions(batch, ids),
        }


class BatchCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    applications = serializers.ListField(
        child=IdField(),
        allow_empty=False,
        help_text=gettext_lazy("Ids of your reported applications not yet in a batch."),
    )


class RecordSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    result = serializers.ChoiceField(choices=[SpotCheck.Result.PASSED, SpotCheck.Result.FAILED])
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=gettext_lazy("Required when the check failed."),
    )


def _checks():
    return SpotCheck.objects.select_related("application__enterprise", "unit", "checked_by")


class VerificationBatchViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Verification batches: reported applications, one third drawn for an
    on-site re-check with a stored seed anyone can repeat the draw from."""

    serializer_class = BatchSerializer

    def get_queryset(self):
        qs = verification.with_counts(
            verification.batches_visible_to(self.request.user).select_related(
                "organiser", "created_by"
            )
        ).order_by("-created_at", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("checks", queryset=_checks().order_by("application_id"))
            )
        return qs

    def list(self, request, *args, **kwargs):
        deny_unless(
            verification.may_use_verification(request.user),
            _("Only organising units and the city office see verification batches."),
        )
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=BatchDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(BatchDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=BatchCreateSerializer,
        responses={
            201: BatchDetailSerializer,
            400: OpenApiResponse(
                description=gettext_lazy("Not reported, already in a batch, or unknown.")
            ),
            403: OpenApiResponse(
                description=gettext_lazy("Not an organiser, or not the receiver of an application.")
            ),
        },
    )
    def create(self, request):
        user = request.user
        deny_unless(
            verification.may_create_batches(user),
            _("Only the organisations that verify review reports make batches."),
        )
        body = BatchCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = sorted(set(body.validated_data["applications"]))
        visible = set(
            Application.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        unknown = sorted(set(ids) - visible)
        if unknown:
            raise serializers.ValidationError(
                {
                    "applications": [
                        _("No such application: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
                    ]
                }
            )
        with workflow_errors():
            batch = verification.batch_create(actor=user, applications=ids)
        batch = (
            self.get_queryset()
            .prefetch_related(Prefetch("checks", queryset=_checks().order_by("application_id")))
            .get(pk=batch.pk)
        )
        return Response(BatchDetailSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "BatchApproval",
                fields={
                    "approved": serializers.ListField(child=serializers.IntegerField()),
                    "refused": serializers.ListField(child=serializers.DictField()),
                },
            ),
            403: OpenApiResponse(description=gettext_lazy("Not the batch's organiser.")),
            404: OpenApiResponse(description=gettext_lazy("Not in your scope.")),
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the batch's passed reports in one action (each its own
        ``verify`` move); the refused ones are named with the reason."""
        batch = self.get_object()
        with workflow_errors():
            outcome = approval.batch_approve_passed(actor=request.user, batch=batch)
        return Response(
            {
                "approved": [application.pk for application in outcome.approved],
                "refused": [
                    {"application": application.pk, "reason": reason}
                    for application, reason in outcome.refused
                ],
            }
        )


class SpotCheckViewSet(PortalAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One application's spot check, seen by whoever sees the application."""

    serializer_class = SpotCheckSerializer

    def get_queryset(self):
        return _checks().filter(application__in=Application.objects.visible_to(self.request.user))

    @extend_schema(
        request=RecordSerializer,
        responses={
            200: SpotCheckSerializer,
            400: OpenApiResponse(description=gettext_lazy("Refused input, naming the field.")),
            403: OpenApiResponse(description=gettext_lazy("Not the application's receiver.")),
            404: OpenApiResponse(description=gettext_lazy("Not in your scope.")),
            409: OpenApiResponse(
                description=gettext_lazy("Already recorded, or the application moved on.")
            ),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def record(self, request, pk=None):
        """Record the on-site re-check: passed, or failed with notes."""
        check = self.get_object()
        body = RecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            spot_checks.spot_check_record(
                actor=request.user,
                check=check,
                result=body.validated_data["result"],
                notes=body.validated_data.get("notes", ""),
            )
        check = self.get_queryset().filter(pk=check.pk).first()
        if check is None:
            raise NotFound
        return Response(SpotCheckSerializer(check, context={"request": request}).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(SpotCheckSerializer(self.get_object(), context={"request": request}).data)


# (prefix, viewset, basename) for the router.
routes: list = [
    ("verification-batches", VerificationBatchViewSet, "api-verification-batch"),
    ("spot-checks", SpotCheckViewSet, "api-spot-check"),
]
urlpatterns: list = []
