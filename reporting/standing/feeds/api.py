"""The feed endpoints for incentive and restriction bodies, mounted by portal/api_urls.py:

- POST /api/v1/feeds/status/ {"uscc": [...]} (scope ``status``): each enterprise's
  grade, certificate number and validity, warning-list status and supervision tier;
- GET /api/v1/feeds/changes/?cursor=… or ?since=YYYY-MM-DD (scope ``changes``): the
  changes after the cursor in the client's districts, with the next cursor;
- POST /api/v1/feeds/export/ {"uscc": [...]} (scope ``export``): the status as xlsx.

Only a feed token opens them (reporting/standing/feeds/auth.py); each client has its
own rate limit; every request, refused ones included, is kept as a FeedRequest
(which endpoint, the answer's status, how many enterprises, which USCCs)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from openpyxl import Workbook
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.base import RejectUnknownFieldsMixin, service_errors
from portal.audit import current_ip
from portal.xlsx import append_row
from reporting.standing.feeds import changes, status
from reporting.standing.feeds.auth import (
    FeedClientThrottle,
    FeedTokenAuthentication,
    HasFeedScope,
    client_of,
)
from reporting.standing.models import FeedClient, FeedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CodesSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    uscc = serializers.ListField(
        child=serializers.CharField(max_length=40, trim_whitespace=True),
        allow_empty=False,
        help_text=gettext_lazy("Unified social credit codes (at most FEED_MAX_USCCS)."),
    )

    def validate_uscc(self, value: list[str]) -> list[str]:
        limit = settings.FEED_MAX_USCCS
        if len(value) > limit:
            raise serializers.ValidationError(
                _("At most %(limit)s codes per request; this one has %(count)s.")
                % {"limit": limit, "count": len(value)}
            )
        return value


class StatusRowSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField()
    registry_status = serializers.CharField()
    grade = serializers.CharField(allow_null=True, help_text=gettext_lazy("1, 2, 3, pass or null."))
    grade_label = serializers.CharField()
    certificate_number = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    certificate_status = serializers.CharField(help_text=gettext_lazy("valid, suspended or empty."))
    warning_list = serializers.BooleanField()
    warning_rules = serializers.ListField(child=serializers.CharField())
    supervision_tier = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("key, general, light, or null.")
    )
    tier_since = serializers.DateField(allow_null=True)


class InvalidSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    error = serializers.CharField()


class StatusAnswerSerializer(serializers.Serializer):
    results = StatusRowSerializer(many=True)
    not_found = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Codes of no enterprise in the client's districts."),
    )
    invalid = InvalidSerializer(many=True)


class FeedChangeSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    detail = serializers.DictField()
    at = serializers.DateTimeField()


class ChangesAnswerSerializer(serializers.Serializer):
    changes = FeedChangeSerializer(many=True)
    has_more = serializers.BooleanField()
    next_cursor = serializers.CharField()


class FeedView(APIView):
    authentication_classes = [FeedTokenAuthentication]
    permission_classes = [HasFeedScope]
    throttle_classes = [FeedClientThrottle]
    feed_scope = ""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request, "_auth", None)
        if isinstance(client, FeedClient):
            asked = request.data.get("uscc") if isinstance(request.data, dict) else None
            usccs = (
                [str(u)[:40] for u in asked][: settings.FEED_MAX_USCCS]
                if isinstance(asked, list)
                else []
            )
            FeedRequest.objects.create(
                client=client,
                endpoint=self.feed_scope,
                status_code=response.status_code,
                count=getattr(response, "feed_count", 0),
                usccs=usccs,
                ip=current_ip.get(),
            )
        return response


class StatusView(FeedView):
    feed_scope = FeedClient.Scope.STATUS

    @extend_schema(
        operation_id="feeds_status",
        request=CodesSerializer,
        responses={
            200: StatusAnswerSerializer,
            400: OpenApiResponse(description=gettext_lazy("No list, or too many codes.")),
            403: OpenApiResponse(description=gettext_lazy("The client lacks the scope.")),
        },
    )
    def post(self, request: Request) -> Response:
        """The status of up to FEED_MAX_USCCS enterprises by USCC."""
        data = CodesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = status.lookup(client_of(request), data.validated_data["uscc"])
        # The rows are plain values already: no serializer pass over a thousand rows
        # (StatusAnswerSerializer documents the shape).
        response = Response(
            {"results": found.rows, "not_found": found.not_found, "invalid": found.invalid}
        )
        response.feed_count = len(found.rows)  # type: ignore[attr-defined]
        return response


class ChangesView(FeedView):
    feed_scope = FeedClient.Scope.CHANGES

    @extend_schema(
        operation_id="feeds_changes",
        parameters=[
            OpenApiParameter(
                "cursor", str, description=gettext_lazy("next_cursor of the last page.")
            ),
            OpenApiParameter(
                "since", str, description=gettext_lazy("Without a cursor: start at this day.")
            ),
        ],
        responses={200: ChangesAnswerSerializer},
    )
    def get(self, request: Request) -> Response:
        """The changes after the cursor (certificates announced, revoked or expired,
        warning-list entries opened or closed, tiers changed), oldest first."""
        client = client_of(request)
        with service_errors():
            cursor = request.query_params.get("cursor", "")
            since = request.query_params.get("since", "")
            if cursor:
                after = changes.read_cursor(client, cursor)
            elif since:
                after = changes.start_of(since)
            else:
                after = 0
        found = changes.page(client, after, settings.FEED_CHANGES_PAGE)
        response = Response(found)  # plain values; ChangesAnswerSerializer documents them
        response.feed_count = len(found["changes"])  # type: ignore[attr-defined]
        return response


class ExportView(FeedView):
    feed_scope = FeedClient.Scope.EXPORT

    @extend_schema(
        operation_id="feeds_export",
        request=CodesSerializer,
        responses={(200, XLSX): OpenApiResponse(description=gettext_lazy("An xlsx workbook."))},
    )
    def post(self, request: Request) -> Any:
        """The status lookup as an xlsx workbook (one row per enterprise found)."""
        data = CodesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = status.lookup(client_of(request), data.validated_data["uscc"])
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Status")[:31])
        cols = status.columns()
        append_row(sheet, [heading for _key, heading in cols])
        for row in found.rows:
            values = []
            for key, _heading in cols:
                value = row[key]
                if isinstance(value, bool):
                    value = _("Yes") if value else _("No")
                elif isinstance(value, list):
                    value = ", ".join(value)
                values.append(value)
            append_row(sheet, values)
        out = BytesIO()
        book.save(out)
        out.seek(0)
        response = FileResponse(
            out,
            as_attachment=True,
            filename=f"status-{timezone.localdate():%Y%m%d}.xlsx",
            content_type=XLSX,
        )
        response.feed_count = len(found.rows)  # type: ignore[attr-defined]
        return response
