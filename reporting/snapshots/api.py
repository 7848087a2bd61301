"""REST endpoints of reporting/snapshots/ (mounted by portal/api_urls.py from ``routes``).

``/api/v1/statistics/trends/``: one metric of the snapshots over the last periods, for
the reader's scope or one it may read (``scope``); ``compare/`` several scopes side by
side; ``export/`` the series as xlsx. Bad metric, period, count or scope: 400 with the
message; a scope the reader may not read: 404; roles that read no statistics: 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.base import PortalAPIMixin, acting_user, deny_unless
from reporting.snapshots import periods, trends, views
from reporting.statistics.filters import may_read


class TrendQuerySerializer(serializers.Serializer):
    metric = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            'The figure, "table.measure": compliance.rate, compliance.compliant, '
            "certificates.expiring_30 …; default compliance.rate."
        ),
    )
    period = serializers.ChoiceField(
        choices=list(periods.KINDS),
        required=False,
        help_text=gettext_lazy("day, month (default), quarter or year."),
    )
    count = serializers.IntegerField(
        required=False, help_text=gettext_lazy("How many periods, up to the current one (12).")
    )
    scope = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "city, district:<code>, street:<code> or regulator:<id>; default your own."
        ),
    )


class CompareQuerySerializer(TrendQuerySerializer):
    scopes = serializers.CharField(
        help_text=gettext_lazy("Comma-separated scopes, e.g. district:110105,district:110108.")
    )


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField(help_text=gettext_lazy("2026-12-06, 2026-12, 2026-Q4 or 2026."))
    value = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("None: no snapshot of that period.")
    )
    frozen = serializers.BooleanField(
        help_text=gettext_lazy("The period has ended and its figures are final.")
    )


class TargetTrendSerializer(serializers.Serializer):
    period = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    reached = serializers.IntegerField(allow_null=True)
    rate = serializers.FloatField(allow_null=True, help_text=gettext_lazy("In per cent."))
    frozen = serializers.BooleanField()


class TrendSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    period_kind = serializers.CharField()
    scope = serializers.CharField()
    count = serializers.IntegerField()
    series = TrendPointSerializer(many=True)


class CompareRowSerializer(serializers.Serializer):
    scope = serializers.CharField()
    series = TrendPointSerializer(many=True)


class CompareSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    period_kind = serializers.CharField()
    rows = CompareRowSerializer(many=True)


REFUSED = {
    400: OpenApiResponse(description=gettext_lazy("Unknown metric, period, count or scope.")),
    403: OpenApiResponse(description=gettext_lazy("A role that reads no statistics.")),
    404: OpenApiResponse(description=gettext_lazy("A scope outside the reader's area.")),
}


class TrendViewSet(PortalAPIMixin, viewsets.ViewSet):
    """Trends of the metric snapshots (reporting/snapshots/)."""

    def _user(self, request: Request) -> Any:
        user = acting_user(request)
        deny_unless(
            may_read(user),
            _("Only government offices, regulators and organising units read statistics."),
        )
        return user

    def _read(self, request: Request) -> dict[str, Any]:
        user = self._user(request)
        try:
            return views.read(user, request.query_params)
        except trends.TrendError as error:
            raise ValidationError({"detail": str(error)}) from None
        except PermissionDenied:
            raise NotFound from None

    @extend_schema(parameters=[TrendQuerySerializer], responses={200: TrendSerializer, **REFUSED})
    def list(self, request: Request) -> Response:
        """One metric over the last periods, oldest first."""
        return Response(TrendSerializer(self._read(request)).data)

    @extend_schema(
        parameters=[CompareQuerySerializer], responses={200: CompareSerializer, **REFUSED}
    )
    @action(detail=False, methods=["get"])
    def compare(self, request: Request) -> Response:
        """Several scopes' series of one metric (the city comparing districts)."""
        user = self._user(request)
        params = request.query_params
        metric = str(params.get("metric") or "compliance.rate").strip()
        period_kind = str(params.get("period") or periods.MONTH).strip()
        raw_count = str(params.get("count") or "12").strip()
        try:
            if not raw_count.isdigit():
                raise trends.TrendError(_("The count must be a whole number."))
            wanted = [trends.parse_scope(part) for part in str(params.get("scopes", "")).split(",")]
            scopes = [scope for scope in wanted if scope is not None]
            if not scopes or len(scopes) > 50:
                raise trends.TrendError(_("Name 1 to 50 scopes in scopes."))
            rows = trends.compare(user, metric, period_kind, scopes, int(raw_count))
        except trends.TrendError as error:
            raise ValidationError({"detail": str(error)}) from None
        except PermissionDenied:
            raise NotFound from None
        data = {
            "metric": metric,
            "label": trends.metric_label(metric),
            "period_kind": period_kind,
            "rows": rows,
        }
        return Response(CompareSerializer(data).data)

    @extend_schema(
        parameters=[TrendQuerySerializer],
        responses={(200, views.XLSX): OpenApiTypes.BINARY, **REFUSED},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        """The series as xlsx."""
        data = self._read(request)
        return FileResponse(
            views.workbook(data),
            as_attachment=True,
            filename=f"trend-{data['metric']}-{data['period_kind']}.xlsx",
            content_type=views.XLSX,
        )


routes: list = [("statistics/trends", TrendViewSet, "api-statistics-trends")]
