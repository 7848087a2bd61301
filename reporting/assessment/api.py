"""REST endpoints of the assessment (mounted by portal/api_urls.py from ``routes``).

``/api/v1/assessment/reports/``: the reports of the reader's scope (newest first;
``period`` filters), one report with its scores, ``comment/`` (the assessed unit)
and ``finalise/`` (the assessing office). ``/api/v1/assessment/runs/``: start the
reports of a period (POST) and read a run's progress. Bad input: 400 with the
message; outside one's scope: 404; roles without assessment: 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
)
from portal.models import OrganisationKind as OrgKind
from portal.models import Region
from reporting.assessment import flow, selectors, services
from reporting.assessment.models import AssessmentReport, ReportRun, Scheme


class AssessmentReportSerializer(serializers.ModelSerializer):
    scores = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()
    xlsx = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentReport
        fields = [
            "id", "unit_kind", "unit_key", "unit_name", "period_kind", "period_code",
            "version", "status", "total", "rank", "rank_change", "comment",
            "objects_to_scores", "comment_due", "finalised_at", "signature",
            "published_at", "scores", "pdf", "xlsx",
        ]  # fmt: skip
        read_only_fields = fields

    def get_scores(self, report: AssessmentReport) -> list[dict[str, Any]]:
        return list(report.data.get("scores", []))

    def _url(self, report: AssessmentReport, name: str) -> str | None:
        from django.urls import reverse

        return (
            reverse(f"assessment:report_{name}", args=[report.pk])
            if getattr(report, name)
            else None
        )

    def get_pdf(self, report: AssessmentReport) -> str | None:
        return self._url(report, "pdf")

    def get_xlsx(self, report: AssessmentReport) -> str | None:
        return self._url(report, "xlsx")


class AssessmentCommentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(max_length=4000)
    objection = serializers.BooleanField(default=False)


class AssessmentRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportRun
        fields = [
            "id",
            "level",
            "region",
            "period_kind",
            "period_code",
            "status",
            "total",
            "done",
            "error",
        ]
        read_only_fields = fields


class AssessmentRunInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    period_kind = serializers.ChoiceField(choices=["quarter", "year"])
    period_code = serializers.CharField(max_length=10, help_text=gettext_lazy("2026-Q3 or 2026."))
    level = serializers.ChoiceField(choices=Scheme.Level.choices, required=False)
    region = serializers.CharField(max_length=6, required=False)


def _reader(request: Request) -> Any:
    user = acting_user(request)
    deny_unless(
        selectors.may_read(user),
        _(
            "Only the city office, districts, street offices and regulators read assessment reports."
        ),
    )
    return user


class ReportViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AssessmentReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's generation
            return AssessmentReport.objects.none()
        user = _reader(self.request)
        found = selectors.reports_visible_to(user).order_by(
            "-period_code", "unit_kind", "unit_key", "-version"
        )
        period = self.request.query_params.get("period")
        if period:
            found = found.filter(period_code=period[:10])
        return found

    def _act(self, request: Request, pk: Any, call: Any) -> Response:
        report = get_object_or_404(self.get_queryset().select_related("scheme"), pk=pk)
        try:
            result = call(report)
        except services.AssessmentError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(AssessmentReportSerializer(result or report).data)

    @extend_schema(request=AssessmentCommentSerializer, responses={200: AssessmentReportSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: Any = None) -> Response:
        """The assessed unit's comment or objection on its latest draft."""

        def call(report: AssessmentReport) -> AssessmentReport:
            # The report and the role first: outsiders learn nothing from the body's check.
            deny_unless(
                selectors.is_assessed_unit(request.user, report),
                _("Only the assessed unit comments."),
            )
            body = AssessmentCommentSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            flow.comment(
                actor=request.user,
                report=report,
                text=body.validated_data["comment"],
                objection=body.validated_data["objection"],
            )
            report.refresh_from_db()
            return report

        return self._act(request, pk, call)

    @extend_schema(request=NoBodySerializer, responses={200: AssessmentReportSerializer})
    @action(detail=True, methods=["post"])
    def finalise(self, request: Request, pk: Any = None) -> Response:
        """The assessing office finalises the latest draft: a new, signed version."""

        def call(report: AssessmentReport) -> AssessmentReport:
            deny_unless(
                selectors.is_assessing_office(request.user, report),
                _("Only the assessing office finalises."),
            )
            return flow.finalise(actor=request.user, report=report)

        return self._act(request, pk, call)


class RunViewSet(
    PortalAPIMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = AssessmentRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportRun.objects.none()
        return selectors.runs_visible_to(_reader(self.request))

    @extend_schema(request=AssessmentRunInputSerializer, responses={201: AssessmentRunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start the reports of a closed period (the same run in progress is returned)."""
        user = _reader(request)
        deny_unless(selectors.may_assess(user), _("Only the city office and districts assess."))
        body = AssessmentRunInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        org = user.organisation
        if org.kind == OrgKind.DISTRICT:
            level, region = Scheme.Level.DISTRICT, org.region
        else:
            level = data.get("level", Scheme.Level.CITY)
            region = Region.objects.filter(pk=data.get("region", "")).first()
        try:
            run = services.start_run(
                actor=user,
                level=level,
                region=region,
                period_kind=data["period_kind"],
                period_code=data["period_code"],
            )
        except services.AssessmentError as error:
            raise ValidationError({"detail": str(error)}) from None
        except PermissionDenied:
            raise NotFound from None
        return Response(AssessmentRunSerializer(run).data, status=status.HTTP_201_CREATED)


routes: list = [
    ("assessment/reports", ReportViewSet, "api-assessment-report"),
    ("assessment/runs", RunViewSet, "api-assessment-run"),
]
