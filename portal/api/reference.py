"""Reference data: districts with their streets, industries."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.base import (
    PortalAPIMixin,
)
from portal.models import Industry, Region, Street

# --------------------------------------------------------------------------
# Reference data: districts with their streets, industries


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "code", "name", "name_en", "kind", "region"]


class RegionSerializer(serializers.ModelSerializer):
    streets = StreetSerializer(many=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_en", "kind", "is_demonstration", "streets"]


class RegionViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Beijing's districts (and the development zone), each with its streets
    and towns. Reference data: not paginated."""

    serializer_class = RegionSerializer
    pagination_class = None
    queryset = Region.objects.prefetch_related(
        Prefetch("streets", queryset=Street.objects.order_by("code"))
    ).order_by("code")

    @extend_schema(responses=StreetSerializer(many=True))
    @action(detail=True, methods=["get"])
    def streets(self, request, pk=None):
        region = self.get_object()
        return Response(StreetSerializer(region.streets.all(), many=True).data)


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = [
            "code",
            "name",
            "name_en",
            "group",
            "gbt4754",
            "certificate_code",
            "requires_safety_licence",
        ]


class IndustryViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Industries of the seed document, mapped to GB/T 4754. Not paginated."""

    serializer_class = IndustrySerializer
    pagination_class = None
    queryset = Industry.objects.order_by("sort_order", "code")
