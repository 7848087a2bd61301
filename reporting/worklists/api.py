"""REST endpoints, mounted by portal/api_urls.py from ``routes``: (prefix, viewset, basename).

The worklists as JSON, scoped like the pages (reporting/worklists/registry.py):
/api/v1/worklists/ (each list's size), /api/v1/worklists/<kind>/ (one list's items,
paginated, with the page's search and filters) and /api/v1/worklists/escalated/
(what reached the user's office). Roles without worklists: 403; an unknown list: 404."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.base import PortalAPIMixin, PortalPagination, acting_user, deny_unless
from portal.models import User
from reporting.worklists import registry, selectors


class WorklistSizeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=gettext_lazy("The list's name, as in its URL."))
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField(help_text=gettext_lazy("Items in the user's scope."))
    url = serializers.CharField(help_text=gettext_lazy("The list's page."))
    escalated = serializers.IntegerField(
        help_text=gettext_lazy("How many of the items were escalated to the next level up.")
    )


# One object, not a page: the list action of a ViewSet is paginated by default.
@extend_schema_serializer(many=False)
class WorklistOverviewSerializer(serializers.Serializer):
    worklists = WorklistSizeSerializer(many=True)
    escalations_received = serializers.IntegerField(
        help_text=gettext_lazy("Items escalated to the user's office (/worklists/escalated/).")
    )


class WorklistItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=gettext_lazy("The record's id."))
    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    district = serializers.CharField()
    street = serializers.CharField()
    what = serializers.CharField(help_text=gettext_lazy("What is due."))
    since = serializers.DateField(help_text=gettext_lazy("The day the item fell due."))
    days_overdue = serializers.IntegerField()
    done_on = serializers.DateField(
        allow_null=True, help_text=gettext_lazy("For a self-report filed late: the day it was.")
    )
    escalated = serializers.BooleanField()
    url = serializers.CharField(help_text=gettext_lazy("The record's page."))


class EscalationSerializer(serializers.Serializer):
    kind = serializers.CharField(source="escalation.kind")
    label = serializers.CharField()  # type: ignore[assignment]
    model = serializers.CharField(source="escalation.model")
    object_id = serializers.IntegerField(source="escalation.object_id")
    enterprise = serializers.CharField(
        help_text=gettext_lazy("Empty when the enterprise is no longer in your scope.")
    )
    from_organisation = serializers.CharField(
        source="escalation.from_organisation.name", allow_null=True, default=None
    )
    overdue_since = serializers.DateField(source="escalation.overdue_since")
    escalated_at = serializers.DateTimeField(source="escalation.escalated_at")


FILTERS = [
    OpenApiParameter("q", str, description=gettext_lazy("Enterprise name or USCC.")),
    OpenApiParameter(
        "district", str, description=gettext_lazy("District code (city-wide users only).")
    ),
    OpenApiParameter(
        "street", str, description=gettext_lazy("Street code of the user's or chosen district.")
    ),
]
REFUSED = {403: OpenApiResponse(description=gettext_lazy("A role without worklists."))}


class WorklistsViewSet(PortalAPIMixin, viewsets.ViewSet):
    lookup_field = "kind"
    lookup_value_regex = "[a-z_]+"

    def _user(self, request: Request) -> User:
        user = acting_user(request)
        deny_unless(
            registry.may_see(user),
            _(
                "Only the city office, district governments, street offices and regulators "
                "have worklists."
            ),
        )
        return user

    @extend_schema(
        operation_id="worklists_counts",
        parameters=[
            OpenApiParameter("page", exclude=True),
            OpenApiParameter("page_size", exclude=True),
        ],
        responses={200: WorklistOverviewSerializer, **REFUSED},
    )
    def list(self, request: Request) -> Response:
        """Each worklist's size in the user's scope, and how many items were
        escalated to the user's office."""
        user = self._user(request)
        data = {
            "worklists": registry.counts(user),
            "escalations_received": selectors.escalations_to(user).count(),
        }
        return Response(WorklistOverviewSerializer(data).data)

    @extend_schema(
        operation_id="worklists_items",
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[w.name for w in registry.WORKLISTS],
            ),
            *FILTERS,
        ],
        responses={
            200: WorklistItemSerializer(many=True),
            400: OpenApiResponse(description=gettext_lazy("An unknown district or street.")),
            404: OpenApiResponse(description=gettext_lazy("No such worklist.")),
            **REFUSED,
        },
    )
    def retrieve(self, request: Request, kind: str = "") -> Response:
        """One worklist's items, the longest overdue first, paginated."""
        user = self._user(request)
        worklist = selectors.worklist_named(kind)
        if worklist is None:
            raise NotFound(_("No such worklist."))
        try:
            filters = selectors.parse(user, request.query_params)
        except selectors.FilterError as error:
            raise ValidationError({"detail": str(error)}) from None
        today = timezone.localdate()
        paginator = PortalPagination()
        page = paginator.paginate_queryset(
            selectors.filtered(worklist, user, filters, today), request, view=self
        )
        rows: list[dict[str, Any]] = [selectors.shape(worklist, row, today) for row in page or []]
        return paginator.get_paginated_response(WorklistItemSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="worklists_escalated",
        responses={200: EscalationSerializer(many=True), **REFUSED},
    )
    @action(detail=False, methods=["get"])
    def escalated(self, request: Request) -> Response:
        """The items escalated to the user's office, the newest first, paginated."""
        user = self._user(request)
        paginator = PortalPagination()
        page = paginator.paginate_queryset(selectors.escalations_to(user), request, view=self)
        rows = selectors.escalation_rows(user, page or [])
        return paginator.get_paginated_response(EscalationSerializer(rows, many=True).data)


routes = [("worklists", WorklistsViewSet, "api-worklist")]
