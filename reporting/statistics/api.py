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
from reporting.statistics import exports, figures
from reporting.statistics.filters import DIMENSIONS, FilterError, Filters, may_read, parse_filters
from reporting.statistics.views import TITLES, with_links


class StatisticsFilterSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(
        choices=list(DIMENSIONS),
        required=False,
        help_text=gettext_lazy("The rows: district, street, industry or scale."),
    )
    district = serializers.CharField(required=False, help_text=gettext_lazy("District code."))
    street = serializers.CharField(
        required=False, help_text=gettext_lazy("Street code; none: enterprises without one.")
    )
    industry = serializers.CharField(required=False, help_text=gettext_lazy("Industry code."))
    scale = serializers.CharField(required=False, help_text=gettext_lazy("Enterprise scale."))
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
    figures = serializers.DictField(child=serializers.IntegerField())
    rate = serializers.FloatField(
        allow_null=True, required=False, help_text=gettext_lazy("达标率 in per cent.")
    )
    links = serializers.DictField(
        child=serializers.CharField(), help_text=gettext_lazy("The drill-down page per figure.")
    )


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


class StatisticsRecordSerializer(serializers.Serializer):
    """An enterprise, or a certificate with its enterprise."""

    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    district = serializers.CharField()
    certificate = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    status = serializers.CharField()


def _record(item: Any) -> dict[str, Any]:
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
            return user, parse_filters(user, request.query_params)
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
        rows, total = figures.table(self.table_name, user, filters)
        with_links(self.table_name, filters, rows, total)
        names = [m.name for m in figures.TABLES[self.table_name]]

        def shape(row: dict[str, Any]) -> dict[str, Any]:
            out = {
                "key": row["key"],
                "label": row["label"],
                "figures": {name: row[name] for name in names},
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
            StatisticsRecordSerializer([_record(item) for item in page or []], many=True).data
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
            rows, total = figures.table(self.table_name, user, filters)
            content = exports.table_workbook(
                self.table_name, str(TITLES[self.table_name]), rows, total
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


routes: list = [
    ("statistics/compliance", ComplianceStatisticsViewSet, "api-statistics-compliance"),
    ("statistics/certificates", CertificateStatisticsViewSet, "api-statistics-certificates"),
]
