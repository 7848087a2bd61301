"""The officials' worklist as JSON (/api/v1/hazard-worklist/), scoped like the page
(hazards/oversight/selectors.py): 403 for anyone but a street office, district
government, regulator or the city office."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from hazards.oversight.selectors import may_see_worklist, worklist
from hazards.oversight.views import count_links, self_report_status_url
from portal.api.base import PortalAPIMixin, acting_user, deny_unless


class WorklistCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    major_open = serializers.IntegerField()
    major_overdue = serializers.IntegerField()
    listed = serializers.IntegerField()
    progress_overdue = serializers.IntegerField()
    reviews_due = serializers.IntegerField()


class WorklistLinksSerializer(serializers.Serializer):
    open = serializers.CharField()
    overdue = serializers.CharField()
    major_open = serializers.CharField()
    major_overdue = serializers.CharField()
    listed = serializers.CharField()


class WorklistOverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    enterprise = serializers.CharField(source="enterprise.name")
    grade = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateField()


class WorklistMajorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="hazard.pk")
    number = serializers.CharField(source="hazard.number")
    enterprise = serializers.CharField(source="hazard.enterprise.name")
    status = serializers.CharField(source="hazard.status")
    deadline = serializers.DateField(source="hazard.deadline")
    overdue = serializers.BooleanField()
    report = serializers.ChoiceField(
        choices=["none", "draft", "submitted"],
        help_text=gettext_lazy("The major hazard report (第14条): none, draft or submitted."),
    )
    plan = serializers.ChoiceField(
        choices=["none", "draft", "approved"],
        help_text=gettext_lazy("The treatment plan (第15条): none, draft or approved."),
    )
    listed = serializers.BooleanField()
    listing_number = serializers.SerializerMethodField()

    def get_listing_number(self, row: dict[str, Any]) -> str:
        return row["listing"].number if row["listed"] else ""


class WorklistListingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="listing.pk")
    number = serializers.CharField(source="listing.number")
    hazard = serializers.IntegerField(source="listing.hazard_id")
    enterprise = serializers.CharField(source="listing.hazard.enterprise.name")
    status = serializers.CharField(source="listing.status")
    progress_due = serializers.DateField()
    progress_overdue = serializers.BooleanField()
    review_due = serializers.DateField(allow_null=True)
    review_overdue = serializers.BooleanField()


class WorklistDistrictSerializer(serializers.Serializer):
    district = serializers.CharField(source="region.pk")
    name = serializers.CharField(source="region.name")
    overdue = serializers.IntegerField()
    major_open = serializers.IntegerField()
    major_overdue = serializers.IntegerField()
    listed = serializers.IntegerField()
    links = WorklistLinksSerializer()


class WorklistSerializer(serializers.Serializer):
    today = serializers.DateField()
    counts = WorklistCountsSerializer()
    links = WorklistLinksSerializer(
        help_text=gettext_lazy("The ledger list filtered as each count.")
    )
    self_reports = serializers.CharField(
        help_text=gettext_lazy("The filing status page of the last quarter's self-reports.")
    )
    overdue = WorklistOverdueSerializer(many=True)
    major = WorklistMajorSerializer(many=True)
    listings = WorklistListingSerializer(many=True)
    per_district = WorklistDistrictSerializer(
        many=True,
        allow_null=True,
        help_text=gettext_lazy("Per district, for the city office and the regulators."),
    )


class WorklistViewSet(PortalAPIMixin, viewsets.ViewSet):
    """What needs an official's attention in the hazard ledgers it oversees."""

    @extend_schema(
        responses={
            200: WorklistSerializer,
            403: OpenApiResponse(description=gettext_lazy("Not a government office.")),
        }
    )
    def list(self, request: Request) -> Response:
        """The counts (each with the ledger list filtered the same way), the overdue
        hazards, the open major hazards with their report and plan, the listings needing
        attention, the counts per district (city office, regulators) and the link to
        the self-report filing status."""
        user = acting_user(request)
        deny_unless(
            may_see_worklist(user),
            _("Only a street office, a district government, a regulator or the city office."),
        )
        data = worklist(user)
        for row in data["per_district"] or []:
            row["links"] = count_links(row["region"].pk)
        data["links"] = count_links()
        data["self_reports"] = self_report_status_url(data)
        return Response(WorklistSerializer(data).data)


routes = [("hazard-worklist", WorklistViewSet, "api-hazard-worklist")]
