"""REST endpoints, mounted by portal/api_urls.py from ``routes``: (prefix, viewset, basename).

The statistics tables as JSON (the same figures as the pages, reporting/statistics/
figures.py), the records behind each figure, and both as xlsx. Bad filters: 400 with
the message; roles that read no statistics: 403."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.api.base import PortalAPIMixin, PortalPagination, acting_user, deny_unless
from portal.models import User
from reporting.statistics import exports, figures, kept, reviews
from reporting.statistics.filters import (
    DIMENSIONS,
    TABLE_DIMENSIONS,
    FilterError,
    Filters,
    may_read,
    parse_filters,
)
from reporting.statistics.views import TITLES, with_links
from reporting.targets.api import TargetViewSet


class StatisticsFilterSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(
        choices=[*DIMENSIONS, *TABLE_DIMENSIONS],
        required=False,
        help_text=gettext_lazy(
            "The rows: district, street, industry, scale or grade (review_unit: reviews only)."
        ),
    )
    district = serializers.CharField(required=False, help_text=gettext_lazy("District code."))
    street = serializers.CharField(
        required=False, help_text=gettext_lazy("Street code; none: enterprises without one.")
    )
    industry = serializers.CharField(required=False, help_text=gettext_lazy("Industry code."))
    scale = serializers.CharField(required=False, help_text=gettext_lazy("Enterprise scale."))
    grade = serializers.CharField(
        required=False,
        help_text=gettext_lazy("The enterprise's highest live grade: 1, 2, 3, pass or none."),
    )
    review_unit = serializers.CharField(
        required=False,
        help_text=gettext_lazy("Review table only: the review unit's id, or none."),
    )
    period = serializers.CharField(
        required=False, help_text=gettext_lazy("A year (2026) or a quarter (2026-Q2); this year.")
    )


class MeasureFilterSerializer(StatisticsFilterSerializer):
    measure = serializers.CharField(
        required=False, help_text=gettext_lazy("The figure whose records to list.")
    )


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=gettext_lazy("The row's code (empty for the total)."))
    label = serializers.CharField()  # type: ignore[assignment]
    figures = serializers.DictField(
        child=serializers.IntegerField(), help_text=gettext_lazy("The counts.")
    )
    sums = serializers.DictField(
        child=serializers.FloatField(),
        help_text=gettext_lazy("Figures that are sums, not counts (deaths, funds)."),
    )
    rates = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text=gettext_lazy("Rates in per cent.")
    )
    rate = serializers.FloatField(
        allow_null=True, required=False, help_text=gettext_lazy("达标率 in per cent.")
    )
    links = serializers.DictField(
        child=serializers.CharField(), help_text=gettext_lazy("The drill-down page per figure.")
    )


class StatisticsStepSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    limit = serializers.IntegerField(help_text=gettext_lazy("The time limit in working days."))
    count = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    over_limit = serializers.IntegerField()


class StatisticsTableSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    measures = serializers.DictField(
        child=serializers.CharField(), help_text=gettext_lazy("Figure name to its label.")
    )
    rows = StatisticsRowSerializer(many=True)
    total = StatisticsRowSerializer()
    steps = StatisticsStepSerializer(
        many=True,
        required=False,
        help_text=gettext_lazy("Review table: working days per step ended in the period."),
    )


class StatisticsRecordSerializer(serializers.Serializer):
    """An enterprise, or a certificate with its enterprise; for the other tables a
    record (application, spot check, objection, hazard, accident, an enterprise's
    self-report) with its enterprise and its columns in ``details``."""

    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    district = serializers.CharField()
    certificate = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    details = serializers.DictField(child=serializers.CharField(allow_null=True))


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _record(item: Any, kind: str) -> dict[str, Any]:
    listing = figures.LISTINGS.get(kind)
    if listing is not None:
        enterprise = listing.enterprise_of(item)
        details = {
            column.name: _text(value)
            for column, value in zip(listing.columns, listing.cells(item), strict=True)
        }
        return {
            "enterprise_id": enterprise.pk,
            "enterprise": enterprise.name,
            "uscc": enterprise.uscc,
            "district": enterprise.region_id,
            "certificate": None,
            "tier": None,
            "valid_until": None,
            "status": details.get("state") or details.get("status") or "",
            "details": details,
        }
    if isinstance(item, Enterprise):
        return {
            "enterprise_id": item.pk,
            "enterprise": item.name,
            "uscc": item.uscc,
            "district": item.region_id,
            "certificate": None,
            "tier": None,
            "valid_until": None,
            "status": item.status,
            "details": {},
        }
    return {
        "enterprise_id": item.enterprise_id,
        "enterprise": item.enterprise.name,
        "uscc": item.enterprise.uscc,
        "district": item.enterprise.region_id,
        "certificate": item.number,
        "tier": item.tier,
        "valid_until": item.valid_until,
        "status": item.status,
        "details": {},
    }


REFUSED = {
    400: OpenApiResponse(description=gettext_lazy("Unknown codes or a bad period.")),
    403: OpenApiResponse(description=gettext_lazy("A role that reads no statistics.")),
}


class _StatisticsViewSet(PortalAPIMixin, viewsets.ViewSet):
    table_name = ""

    def _filters(self, request: Request) -> tuple[User, Filters]:
        user = acting_user(request)
        deny_unless(
            may_read(user),
            _("Only government offices, regulators and organising units read statistics."),
        )
        try:
            return user, parse_filters(user, request.query_params, table=self.table_name)
        except FilterError as error:
            raise ValidationError({"detail": str(error)}) from None

    def _measure(self, request: Request) -> figures.Measure:
        name = request.query_params.get("measure", "")
        found = figures.measure(self.table_name, name)
        if found is None:
            raise ValidationError({"measure": _("Unknown figure: %(value)s.") % {"value": name}})
        return found

    @extend_schema(
        parameters=[StatisticsFilterSerializer],
        responses={200: StatisticsTableSerializer, **REFUSED},
    )
    def list(self, request: Request) -> Response:
        """The table: one row per value of the dimension, and the total."""
        user, filters = self._filters(request)
        rows, total = kept.table(self.table_name, user, filters)
        with_links(self.table_name, filters, rows, total)
        measures = figures.TABLES[self.table_name]

        def shape(row: dict[str, Any]) -> dict[str, Any]:
            out = {
                "key": row["key"],
                "label": row["label"],
                "figures": {m.name: row[m.name] for m in measures if not m.aggregate},
                "sums": {m.name: row[m.name] for m in measures if m.aggregate},
                "rates": row["rates"],
                "links": row["links"],
            }
            if "rate" in row:
                out["rate"] = row["rate"]
            return out

        data = {
            "dimension": filters.dimension,
            "period": filters.period.code,
            "period_start": filters.period.start,
            "period_end": filters.period.end,
            "measures": {m.name: str(m.label) for m in figures.TABLES[self.table_name]},
            "rows": [shape(row) for row in rows],
            "total": shape(total),
        }
        if self.table_name == "reviews":
            data["steps"] = reviews.steps(user, filters)
        return Response(StatisticsTableSerializer(data).data)

    @extend_schema(
        parameters=[MeasureFilterSerializer],
        responses={200: StatisticsRecordSerializer(many=True), **REFUSED},
    )
    @action(detail=False, methods=["get"])
    def enterprises(self, request: Request) -> Response:
        """The enterprises or certificates behind one figure (``measure``), paginated."""
        user, filters = self._filters(request)
        found = self._measure(request)
        paginator = PortalPagination()
        page = paginator.paginate_queryset(
            figures.records(self.table_name, found.name, user, filters), request, view=self
        )
        return paginator.get_paginated_response(
            StatisticsRecordSerializer(
                [_record(item, found.kind) for item in page or []], many=True
            ).data
        )

    @extend_schema(
        parameters=[MeasureFilterSerializer],
        responses={(200, exports.XLSX): OpenApiTypes.BINARY, **REFUSED},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        """The table as xlsx; with ``measure``, the records behind that figure."""
        user, filters = self._filters(request)
        if request.query_params.get("measure"):
            found = self._measure(request)
            items = figures.records(self.table_name, found.name, user, filters)
            content = exports.records_workbook(
                found.kind, str(found.label), items.iterator(chunk_size=2000)
            )
            name = f"statistics-{self.table_name}-{found.name}.xlsx"
        else:
            rows, total = kept.table(self.table_name, user, filters)
            steps = reviews.steps(user, filters) if self.table_name == "reviews" else None
            content = exports.table_workbook(
                self.table_name, str(TITLES[self.table_name]), rows, total, steps
            )
            name = f"statistics-{self.table_name}-{filters.period.code}.xlsx"
        return FileResponse(content, as_attachment=True, filename=name, content_type=exports.XLSX)


class ComplianceStatisticsViewSet(_StatisticsViewSet):
    """T1 达标情况: active enterprises by scale, live certificates by grade, 达标率,
    and the period's new, revoked and unrenewed expired certificates."""

    table_name = "compliance"


class CertificateStatisticsViewSet(_StatisticsViewSet):
    """T3 证书动态: certificates expiring soon, renewals due without an application,
    suspended, revoked by reason, flagged, annual self-assessments overdue."""

    table_name = "certificates"


class ReviewStatisticsViewSet(_StatisticsViewSet):
    """T2 评审工作: applications received, accepted, returned and not accepted in the
    period, by state and overdue now, spot checks drawn and failed, objections
    upheld; ``steps``: working days per step against its limit. Rows may be by
    review unit (``dimension=review_unit``)."""

    table_name = "reviews"


class HazardStatisticsViewSet(_StatisticsViewSet):
    """T4 隐患与自查自报: quarterly self-reports due, filed, on time, late, missing and
    zero; hazards found and rectified, the rectification and on-time rates; 重大
    found, closed, open, listed by the city or a district, overdue; funds (a sum)."""

    table_name = "hazards"


class AccidentStatisticsViewSet(_StatisticsViewSet):
    """T5 事故: accidents and fatal accidents, deaths and serious injuries (sums), and
    accidents at enterprises holding a live certificate on the day."""

    table_name = "accidents"


routes: list = [
    ("statistics/compliance", ComplianceStatisticsViewSet, "api-statistics-compliance"),
    ("statistics/certificates", CertificateStatisticsViewSet, "api-statistics-certificates"),
    ("statistics/reviews", ReviewStatisticsViewSet, "api-statistics-reviews"),
    ("statistics/hazards", HazardStatisticsViewSet, "api-statistics-hazards"),
    ("statistics/accidents", AccidentStatisticsViewSet, "api-statistics-accidents"),
    # The targets, also under the statistics (the same viewset as /api/v1/targets/).
    ("statistics/targets", TargetViewSet, "api-statistics-target"),
]
