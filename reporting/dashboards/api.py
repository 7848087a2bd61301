"""REST endpoints of reporting/dashboards/ (mounted by portal/api_urls.py from ``routes``).

``/api/v1/dashboards/me/``: the figures of the user's home page dashboard, for the
user's role (reporting/dashboards/builders.py); review units have none (403)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.base import PortalAPIMixin, acting_user, deny_unless
from reporting.dashboards.builders import build, has_dashboard

SECTION_KINDS = ("chart", "tiles", "table", "grid", "compare", "standing")


class DashboardSectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=SECTION_KINDS,
        help_text=gettext_lazy(
            "chart: `chart` (categories; series of values, each with the URL of its records) "
            "and `table`; tiles: `tiles` (label, value, url); table: `columns` and `rows` of "
            "cells (text, value, url); grid: the districts' `tiles` coloured by rate; compare: "
            "the districts to compare; standing: one row per enterprise (certificate, "
            "application with its steps, next, hazards, self_reports)."
        ),
    )
    id = serializers.CharField()
    title = serializers.CharField()
    chart = serializers.JSONField(required=False)
    table = serializers.JSONField(required=False)
    tiles = serializers.JSONField(required=False)
    columns = serializers.JSONField(required=False)
    rows = serializers.JSONField(required=False)
    steps = serializers.JSONField(required=False)
    districts = serializers.JSONField(required=False)
    count = serializers.IntegerField(required=False)
    export_url = serializers.CharField(required=False, help_text=gettext_lazy("xlsx"))
    more_url = serializers.CharField(required=False)


class StatisticsLinkSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()


class DashboardSourceSerializer(serializers.Serializer):
    snapshot = serializers.BooleanField(
        help_text=gettext_lazy(
            "True: the figures are the nightly snapshot's as of `as_of`; false: counted "
            "live (no snapshot of the scope yet). The linked records are always live."
        )
    )
    as_of = serializers.DateField(allow_null=True)
    live_url = serializers.CharField(help_text=gettext_lazy("The live statistics table."))


class DashboardSerializer(serializers.Serializer):
    role = serializers.CharField(help_text=gettext_lazy("The organisation's kind."))
    organisation = serializers.CharField()
    sections = DashboardSectionSerializer(many=True)
    statistics = StatisticsLinkSerializer(many=True)
    # A declared field: the serializer's metaclass takes it out of the class attributes.
    source = DashboardSourceSerializer(  # type: ignore[assignment]
        allow_null=True, help_text=gettext_lazy("Null for a dashboard without table figures.")
    )


class DashboardViewSet(PortalAPIMixin, viewsets.ViewSet):
    """The dashboard of the user's role: the same figures as the home page, each number
    with the URL of the records behind it; only the user's scope."""

    pagination_class = None

    @extend_schema(responses=DashboardSerializer)
    def list(self, request: Request) -> Response:
        user = acting_user(request)
        deny_unless(has_dashboard(user), _("Your role has no dashboard."))
        return Response(build(user))


routes: list = [("dashboards/me", DashboardViewSet, "api-dashboard-me")]
