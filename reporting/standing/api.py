"""REST endpoints of reporting/standing/, mounted by portal/api_urls.py (``routes`` and
``urlpatterns``):

- /api/v1/standing/warnings/ and /api/v1/standing/tiers/: the officials' lists, scoped
  like the pages (the city office, districts, street offices, regulators; others 403),
  with the pages' filters, paginated;
- /api/v1/public/warnings/ and /api/v1/public/progress/: no login, what the public
  pages show;
- /api/v1/feeds/…: the feed clients' endpoints (reporting/standing/feeds/api.py)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.base import PortalAPIMixin, PortalPagination, acting_user, deny_unless
from reporting.standing import public_views, selectors
from reporting.standing.feeds import api as feeds

REFUSED = {
    403: OpenApiResponse(
        description=gettext_lazy("Only the city office, districts, street offices, regulators.")
    )
}


class WarningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    district = serializers.CharField()
    rule = serializers.CharField()
    rule_label = serializers.CharField()
    reason = serializers.CharField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    close_reason = serializers.CharField()


class TierReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.IntegerField()
    text = serializers.CharField()


class TierSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    district = serializers.CharField()
    street = serializers.CharField()
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    inspections_per_year = serializers.IntegerField()
    points = serializers.IntegerField()
    reasons = TierReasonSerializer(many=True)
    since = serializers.DateField(help_text=gettext_lazy("The night the row last changed."))


FILTERS = [
    OpenApiParameter("q", str, description=gettext_lazy("Enterprise name or USCC.")),
    OpenApiParameter("district", str, description=gettext_lazy("City-wide users only.")),
]


class _Scoped(PortalAPIMixin, viewsets.ViewSet):
    def _user(self, request: Request) -> Any:
        user = acting_user(request)
        deny_unless(
            selectors.may_see(user),
            _(
                "Only the city office, district governments, street offices and regulators "
                "see the warning list and the supervision tiers."
            ),
        )
        return user

    def _page(self, request: Request, qs: Any, shape: Any, serializer: Any) -> Response:
        paginator = PortalPagination()
        page: list[Any] | None = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            serializer([shape(row) for row in page or []], many=True).data
        )


class WarningsViewSet(_Scoped):
    @extend_schema(
        operation_id="standing_warnings",
        parameters=[
            *FILTERS,
            OpenApiParameter("rule", str),
            OpenApiParameter("state", str, enum=list(selectors.STATES)),
        ],
        responses={200: WarningSerializer(many=True), **REFUSED},
    )
    def list(self, request: Request) -> Response:
        """Warning-list entries of the user's scope, the newest first."""
        user = self._user(request)
        try:
            qs = selectors.warning_entries(user, request.query_params)
        except selectors.FilterError as error:
            raise ValidationError({"detail": str(error)}) from None
        return self._page(request, qs, selectors.warning_row, WarningSerializer)


class TiersViewSet(_Scoped):
    @extend_schema(
        operation_id="standing_tiers",
        parameters=[*FILTERS, OpenApiParameter("tier", str)],
        responses={200: TierSerializer(many=True), **REFUSED},
    )
    def list(self, request: Request) -> Response:
        """Supervision tiers of the user's enterprises, the most points first."""
        user = self._user(request)
        try:
            qs = selectors.tier_rows(user, request.query_params)
        except selectors.FilterError as error:
            raise ValidationError({"detail": str(error)}) from None
        return self._page(request, qs, selectors.tier_row, TierSerializer)


class PublicWarningSerializer(serializers.Serializer):
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    district = serializers.CharField()
    rule = serializers.CharField()
    rule_label = serializers.CharField()
    reason = serializers.CharField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)


class PublicWarningsView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="public_warnings",
        parameters=[
            *FILTERS,
            OpenApiParameter("rule", str),
            OpenApiParameter("state", str, enum=["open", "closed"]),
        ],
        responses={200: PublicWarningSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        """The public warning list (no login)."""
        try:
            qs = public_views.public_entries(request.query_params)
        except public_views.BadFilter as error:
            raise ValidationError({"detail": str(error)}) from None
        paginator = PortalPagination()
        page: list[Any] | None = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            PublicWarningSerializer(
                [public_views.public_row(e) for e in page or []], many=True
            ).data
        )


class ProgressRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    active = serializers.IntegerField()
    certified = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class GradeCountSerializer(serializers.Serializer):
    grade = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class PublicProgressSerializer(serializers.Serializer):
    period = serializers.CharField(help_text=gettext_lazy("Empty before the first frozen period."))
    period_kind = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    total = ProgressRowSerializer(allow_null=True)
    districts = ProgressRowSerializer(many=True)
    industries = ProgressRowSerializer(many=True)
    grades = GradeCountSerializer(many=True)


class PublicProgressView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="public_progress",
        parameters=[OpenApiParameter("period", str, enum=list(public_views.PERIOD_KINDS))],
        responses={200: PublicProgressSerializer},
    )
    def get(self, request: Request) -> Response:
        """The last frozen period's 达标率 by district and industry, certificates by grade."""
        try:
            data = public_views.progress(request.query_params.get("period", "month"))
        except public_views.BadFilter as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(PublicProgressSerializer(data).data)


routes = [
    ("standing/warnings", WarningsViewSet, "api-standing-warnings"),
    ("standing/tiers", TiersViewSet, "api-standing-tiers"),
]
urlpatterns = [
    path("public/warnings/", PublicWarningsView.as_view(), name="api-public-warnings"),
    path("public/progress/", PublicProgressView.as_view(), name="api-public-progress"),
    path("feeds/status/", feeds.StatusView.as_view(), name="api-feeds-status"),
    path("feeds/changes/", feeds.ChangesView.as_view(), name="api-feeds-changes"),
    path("feeds/export/", feeds.ExportView.as_view(), name="api-feeds-export"),
]
