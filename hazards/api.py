"""The major-hazard catalogues (重大事故隐患判定标准), read only: the catalogues with their
versions, and their items with a search and filters. ``?enterprise=<id>`` gives the items
a hazard of that enterprise may cite as its 判定依据 (hazards.selectors.items_for)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from hazards.models import CatalogueItem, CatalogueVersion, HazardCatalogue
from hazards.selectors import catalogue_items, items_for
from portal.api.base import PortalAPIMixin, acting_user
from portal.models import Industry


class CatalogueVersionSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CatalogueVersion
        fields = ["id", "version", "source", "effective_date", "status", "item_count"]


class HazardCatalogueSerializer(serializers.ModelSerializer):
    industries: serializers.PrimaryKeyRelatedField[Industry] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    versions = CatalogueVersionSerializer(many=True, read_only=True)

    class Meta:
        model = HazardCatalogue
        fields = ["code", "name", "sector", "industries", "versions"]


class CatalogueItemSerializer(serializers.ModelSerializer):
    catalogue = serializers.CharField(source="version.catalogue.code", read_only=True)
    version = serializers.CharField(source="version.version", read_only=True)
    version_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = CatalogueItem
        fields = ["id", "catalogue", "version", "version_id", "code", "group", "section", "text"]


class HazardCatalogueViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The catalogues of situations that make a hazard 重大, with their versions."""

    serializer_class = HazardCatalogueSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-z0-9]+"

    def get_queryset(self) -> QuerySet[HazardCatalogue]:
        versions = CatalogueVersion.objects.annotate(item_count=Count("items")).order_by(
            "-effective_date"
        )
        return HazardCatalogue.objects.prefetch_related(
            "industries", Prefetch("versions", queryset=versions)
        )


class ItemFilterSerializer(serializers.Serializer):
    catalogue = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Catalogue code.")
    )
    version = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("Version id; without it, the versions in force."),
    )
    enterprise = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy(
            "Enterprise id: the items a hazard of that enterprise may cite (catalogues of "
            "its industry or of all industries, versions in force)."
        ),
    )
    group = serializers.CharField(required=False, allow_blank=True)
    section = serializers.CharField(required=False, allow_blank=True)
    q = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Item code or words of its text.")
    )


@extend_schema_view(list=extend_schema(parameters=[ItemFilterSerializer]))
class CatalogueItemViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The situations (items) of the catalogues."""

    serializer_class = CatalogueItemSerializer

    def get_queryset(self) -> QuerySet[CatalogueItem]:
        return CatalogueItem.objects.select_related("version__catalogue").order_by(
            "version__catalogue__code", "-version__effective_date", "order", "pk"
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        params = ItemFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data: dict[str, Any] = params.validated_data
        if data.get("enterprise") is not None:
            visible = enterprises_visible_to(acting_user(self.request), Enterprise.objects.all())
            queryset = items_for(get_object_or_404(visible, pk=data["enterprise"]))
        elif data.get("version") is not None:
            queryset = queryset.filter(version_id=data["version"])
        else:
            queryset = queryset.filter(version__status=CatalogueVersion.Status.PUBLISHED)
        if data.get("catalogue"):
            queryset = queryset.filter(version__catalogue__code=data["catalogue"])
        return catalogue_items(
            queryset,
            q=data.get("q", "").strip(),
            group=data.get("group", ""),
            section=data.get("section", ""),
        )
