"""REST endpoints of the self-reports, mounted by portal/api_urls.py from ``routes``.

- ``self-reports/``: the forms in the user's scope (drafts only for the enterprise's
  own users); POST starts the form of an ended period (pre-filled from the ledger);
  ``<id>/save/`` changes a draft; ``<id>/submit/`` (the principal), ``<id>/correct/``,
  ``<id>/acknowledge/`` and ``<id>/return/`` (the receiver); ``?inbox=1`` lists the
  forms awaiting the user's organisation.
- ``self-report-status/``: the filing status of a period (the page's parameters),
  with ``summary/`` (the counts) and ``export/`` (xlsx).
- ``reporting-rules/``: the districts' rules; POST sets the user's district's.
- ``quarterly-tables/``: the district → city tables; POST asks for one; ``<id>/xlsx/``.

Refusals as in the ledger API: 404 outside the scope, 403 wrong organisation or
role, 409 the form has moved on, 400 bad input naming the field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from hazards.ledger_api import REFUSALS, ledger_errors
from hazards.models import PeriodKind, QuarterlyTable, QuarterlyTableRow, ReportingRule, SelfReport
from hazards.models.selfreports import COUNT_FIGURES
from hazards.selfreports import selectors, services, status_views, tables
from hazards.selfreports.periods import period_of
from hazards.selfreports.views import KINDS, own_enterprise
from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
)
from portal.api.pagination import CappedPagination
from portal.models import OrganisationKind as Kind
from portal.models import Region

# --------------------------------------------------------------------------
# Serializers


class SelfReportSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    adjusted = serializers.SerializerMethodField()

    class Meta:
        model = SelfReport
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "region",
            "street",
            "period_kind",
            "year",
            "period",
            "due_on",
            "version",
            "is_current",
            "supersedes",
            "correction_reason",
            "status",
            "zero_report",
            *COUNT_FIGURES,
            "funds",
            "prefilled",
            "adjusted",
            "adjustment_reason",
            "analysis",
            "next_measures",
            "filled_by",
            "standardization_grade",
            "self_assessment_score",
            "annual_self_assessment_done",
            "signed_by",
            "submitted_at",
            "late",
            "receiver",
            "acknowledged_at",
            "return_reason",
        ]
        read_only_fields = fields

    def get_adjusted(self, report: SelfReport) -> list[str]:
        return services.adjusted(report)


class SelfReportStartSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.IntegerField(
        min_value=0,
        max_value=12,
        default=0,
        help_text=gettext_lazy("Month or quarter; 0 for a year."),
    )


class SelfReportSaveSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    zero_report = serializers.BooleanField(required=False)
    funds = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    adjustment_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    analysis = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    next_measures = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    filled_by = serializers.CharField(max_length=50, required=False, allow_blank=True)
    standardization_grade = serializers.CharField(max_length=40, required=False, allow_blank=True)
    self_assessment_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    annual_self_assessment_done = serializers.BooleanField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in COUNT_FIGURES:
            fields[name] = serializers.IntegerField(
                min_value=0, max_value=2_000_000_000, required=False
            )
        return fields


class SelfReportReasonSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SelfReportFilterSerializer(serializers.Serializer):
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    period = serializers.IntegerField(required=False, min_value=0, max_value=12)
    status = serializers.ChoiceField(choices=SelfReport.Status.choices, required=False)
    inbox = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy("Forms awaiting your organisation's acknowledgement."),
    )
    all_versions = serializers.BooleanField(required=False)


class FilingStatusFilterSerializer(serializers.Serializer):
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    period = serializers.IntegerField(required=False, min_value=0, max_value=12)
    state = serializers.ChoiceField(choices=[(s, s) for s in selectors.STATES], required=False)
    district = serializers.CharField(required=False, max_length=6, allow_blank=True)
    street = serializers.CharField(required=False, max_length=12, allow_blank=True)
    q = serializers.CharField(required=False, max_length=100, allow_blank=True)


class FilingStatusRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    uscc = serializers.CharField()
    district = serializers.CharField(source="region_id")
    street = serializers.CharField(source="street__name", allow_null=True)
    report = serializers.IntegerField(source="rep__pk", allow_null=True)
    report_status = serializers.CharField(source="rep__status", allow_null=True)
    late = serializers.BooleanField(source="rep__late", allow_null=True)
    zero_report = serializers.BooleanField(source="rep__zero_report", allow_null=True)
    submitted_at = serializers.DateTimeField(source="rep__submitted_at", allow_null=True)


class ReportingRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingRule
        fields = ["region", "monthly", "updated_at"]
        read_only_fields = fields


class ReportingRuleSetSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    monthly = serializers.BooleanField()


class QuarterlyTableRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuarterlyTableRow
        exclude = ["id", "table"]


class QuarterlyTableSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuarterlyTable
        fields = ["id", "region", "year", "quarter", "status", "generated_at"]
        read_only_fields = fields


class QuarterlyTableDetailSerializer(QuarterlyTableSerializer):
    rows = QuarterlyTableRowSerializer(many=True, read_only=True)

    class Meta(QuarterlyTableSerializer.Meta):
        fields = [*QuarterlyTableSerializer.Meta.fields, "rows"]
        read_only_fields = fields


class QuarterlyTableRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    region = serializers.CharField(
        max_length=6, required=False, help_text=gettext_lazy("District code (the city office).")
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


# --------------------------------------------------------------------------
# Endpoints


class SelfReportViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Self-reports (自查自报) in the user's scope."""

    serializer_class = SelfReportSerializer
    pagination_class = CappedPagination

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        org = acting_user(request).organisation
        deny_unless(
            org is not None and org.kind in KINDS,
            _("Your organisation files or oversees no self-reports."),
        )

    def get_queryset(self) -> QuerySet[SelfReport]:
        return SelfReport.objects.visible_to(self.request.user).select_related("enterprise")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        params = SelfReportFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if data.get("inbox"):
            return selectors.inbox(self.request.user)
        if not data.get("all_versions"):
            queryset = selectors.current_reports_visible_to(
                self.request.user, SelfReport.objects.select_related("enterprise")
            )
        for name in ("period_kind", "year", "period", "status"):
            if data.get(name) is not None:
                queryset = queryset.filter(**{name: data[name]})
        return queryset

    def _answer(self, report: SelfReport, code: int = status.HTTP_200_OK) -> Response:
        return Response(SelfReportSerializer(report).data, status=code)

    @extend_schema(parameters=[SelfReportFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=SelfReportStartSerializer, responses={201: SelfReportSerializer, **REFUSALS}
    )
    def create(self, request: Request) -> Response:
        """Start (or find) the draft form of an ended period, pre-filled from the ledger."""
        user = acting_user(request)
        enterprise = own_enterprise(user)
        deny_unless(enterprise is not None, _("Only an enterprise files self-reports."))
        assert enterprise is not None
        serializer = SelfReportStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with ledger_errors():
            period = period_of(data["period_kind"], data["year"], data["period"])
            report = services.report_start(actor=user, enterprise=enterprise, period=period)
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=SelfReportSaveSerializer, responses={200: SelfReportSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def save(self, request: Request, pk: str | None = None) -> Response:
        """Change a draft: figures that differ from the ledger's need adjustment_reason."""
        report = self.get_object()
        serializer = SelfReportSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            report = services.report_save(
                actor=acting_user(request), report=report, values=dict(serializer.validated_data)
            )
        return self._answer(report)

    @extend_schema(request=NoBodySerializer, responses={200: SelfReportSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The principal signs and submits the draft."""
        report = self.get_object()
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with ledger_errors():
            report = services.report_submit(actor=acting_user(request), report=report)
        return self._answer(report)

    @extend_schema(
        request=SelfReportReasonSerializer, responses={201: SelfReportSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """A new draft version of the submitted form, with the reason."""
        report = self.get_object()
        serializer = SelfReportReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            report = services.report_correct(
                actor=acting_user(request),
                report=report,
                reason=serializer.validated_data["reason"],
            )
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(request=NoBodySerializer, responses={200: SelfReportSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """签收, by the office the form was sent to."""
        report = self.get_object()
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with ledger_errors():
            report = services.report_acknowledge(actor=acting_user(request), report=report)
        return self._answer(report)

    @extend_schema(
        request=SelfReportReasonSerializer, responses={200: SelfReportSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        """Back to the enterprise with the reason, by the office the form was sent to."""
        report = self.get_object()
        serializer = SelfReportReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            report = services.report_return(
                actor=acting_user(request),
                report=report,
                reason=serializer.validated_data["reason"],
            )
        return self._answer(report)


class FilingStatusViewSet(PortalAPIMixin, viewsets.GenericViewSet):
    """Who must file a period's form and who did: on time, late, not at all."""

    serializer_class = FilingStatusRowSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        deny_unless(
            status_views.can_see_status(acting_user(request)),
            _("Only the offices that oversee enterprises see the filing status."),
        )

    def _parsed(self) -> tuple[Any, dict[str, str]]:
        params = FilingStatusFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        org = acting_user(self.request).organisation
        assert org is not None
        with ledger_errors():
            if params.validated_data.get("period_kind") or params.validated_data.get("year"):
                period_of(
                    self.request.query_params.get("period_kind", PeriodKind.QUARTER),
                    self.request.query_params.get("year") or 2000,
                    self.request.query_params.get("period") or 0,
                )
        period, filters, _message = status_views.parse(self.request.query_params, org.kind)
        return period, filters

    @extend_schema(parameters=[FilingStatusFilterSerializer])
    def list(self, request: Request) -> Response:
        period, filters = self._parsed()
        rows = selectors.status_rows(status_views.status_queryset(request.user, period, filters))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(FilingStatusRowSerializer(page, many=True).data)

    @extend_schema(parameters=[FilingStatusFilterSerializer], responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        """The period, its due date and how many enterprises are in each state."""
        period, filters = self._parsed()
        qs = selectors.filter_status(
            selectors.obligated(request.user, period), **{**filters, "state": ""}
        )
        return Response(
            {
                "period_kind": period.kind,
                "year": period.year,
                "period": period.number,
                "due_on": period.due_on(),
                "counts": selectors.status_counts(qs),
            }
        )

    @extend_schema(
        parameters=[FilingStatusFilterSerializer],
        responses={(200, status_views.XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        period, filters = self._parsed()
        rows = selectors.status_rows(status_views.status_queryset(request.user, period, filters))
        return FileResponse(
            status_views.status_workbook(period, rows),
            as_attachment=True,
            filename=f"self-reports-{period.key}.xlsx",
            content_type=status_views.XLSX,
        )


class ReportingRuleViewSet(PortalAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The districts' own reporting rules (monthly forms)."""

    serializer_class = ReportingRuleSerializer

    def get_queryset(self) -> QuerySet[ReportingRule]:
        return ReportingRule.objects.order_by("region_id")

    @extend_schema(
        request=ReportingRuleSetSerializer, responses={200: ReportingRuleSerializer, **REFUSALS}
    )
    def create(self, request: Request) -> Response:
        """Set the rule of the user's district (its government only)."""
        user = acting_user(request)
        org = user.organisation
        deny_unless(
            org is not None and org.kind == Kind.DISTRICT,
            _("Only the district's government sets its reporting rule."),
        )
        assert org is not None
        serializer = ReportingRuleSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        region = Region.objects.get(pk=org.region_id)
        with ledger_errors():
            rule = services.rule_set(
                actor=user, region=region, monthly=serializer.validated_data["monthly"]
            )
        return Response(ReportingRuleSerializer(rule).data)


class QuarterlyTableViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The district → city quarterly tables (第24条): a district its own, the city all."""

    serializer_class = QuarterlyTableSerializer

    def get_queryset(self) -> QuerySet[QuarterlyTable]:
        qs = QuarterlyTable.objects.visible_to(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("rows")
        return qs

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return (
            QuarterlyTableDetailSerializer
            if self.action == "retrieve"
            else QuarterlyTableSerializer
        )

    @extend_schema(
        request=QuarterlyTableRequestSerializer,
        responses={202: QuarterlyTableSerializer, **REFUSALS},
    )
    def create(self, request: Request) -> Response:
        """Ask for a district's table of an ended quarter; generated in the background."""
        user = acting_user(request)
        org = user.organisation
        serializer = QuarterlyTableRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        code = data.get("region") if org is not None and org.kind == Kind.CITY_OFFICE else None
        code = code or (org.region_id if org is not None else None)
        region = Region.objects.filter(pk=code or "").first()
        if region is None:
            raise serializers.ValidationError({"region": [_("Choose a district.")]})
        with ledger_errors():
            table = tables.table_request(
                actor=user, region=region, year=data["year"], quarter=data["quarter"]
            )
        return Response(QuarterlyTableSerializer(table).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, tables.XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request: Request, pk: str | None = None) -> FileResponse:
        table = self.get_object()
        if table.status != QuarterlyTable.Status.FROZEN:
            raise Http404
        return FileResponse(
            tables.table_workbook(table),
            as_attachment=True,
            filename=f"hazards-{table.region_id}-{table.year}Q{table.quarter}.xlsx",
            content_type=tables.XLSX,
        )


routes: list = [
    ("self-reports", SelfReportViewSet, "api-self-report"),
    ("self-report-status", FilingStatusViewSet, "api-self-report-status"),
    ("reporting-rules", ReportingRuleViewSet, "api-reporting-rule"),
    ("quarterly-tables", QuarterlyTableViewSet, "api-quarterly-table"),
]
