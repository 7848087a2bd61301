"""Organisations: read in scope; the city office creates and edits."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from portal import permissions, services
from portal.api.base import (
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
    service_errors,
)
from portal.models import Industry, Organisation, Qualification, Region, Street, Tier

# --------------------------------------------------------------------------
# Organisations


class QualificationSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all())
    tier = serializers.ChoiceField(choices=Tier.choices)


class OrganisationSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    street = serializers.PrimaryKeyRelatedField(
        queryset=Street.objects.all(), required=False, allow_null=True
    )
    industries = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Industry.objects.all(), required=False
    )
    qualifications = QualificationSerializer(many=True, required=False)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "status_reason",
            "region",
            "street",
            "industries",
            "qualifications",
            "contact_name",
            "contact_phone",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        # Not DRF's validator for the one-active-office-per-street constraint: it would make
        # ``street`` required of every kind. organisation_save checks it with a clear message.
        validators: list = []

    def validate_qualifications(self, value: list[dict]) -> list[tuple[Industry, str]]:
        pairs: dict[tuple[str, str], tuple[Industry, str]] = {}
        # A PATCH makes nested fields optional too (DRF passes ``partial`` down).
        if any("industry" not in item or "tier" not in item for item in value):
            raise serializers.ValidationError(
                _("Each qualification needs both an industry and a tier.")
            )
        for item in value:
            pairs[(item["industry"].pk, item["tier"])] = (item["industry"], item["tier"])
        return list(pairs.values())


class OrganisationViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Organisations in the user's scope; the city office creates and edits them."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return (
            Organisation.objects.visible_to(self.request.user)
            .prefetch_related(
                "industries",
                Prefetch("qualifications", queryset=Qualification.objects.order_by("id")),
            )
            .order_by("kind", "name", "id")
        )

    def create(self, request):
        self._require_manager()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = self._save(Organisation(), serializer.validated_data)
        return Response(self.get_serializer(org).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        org = self.get_object()
        self._require_manager()
        serializer = self.get_serializer(org, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        org = self._save(org, serializer.validated_data)
        return Response(self.get_serializer(org).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def _require_manager(self) -> None:
        deny_unless(
            permissions.can_manage_organisations(self.request.user),
            _("Only the city safety committee office manages organisations."),
        )

    def _save(self, org: Organisation, data: dict) -> Organisation:
        data = dict(data)
        industries = data.pop("industries", None)
        qualifications = data.pop("qualifications", None)
        for name, value in data.items():
            setattr(org, name, value)
        with service_errors():
            org = services.organisation_save(
                actor=acting_user(self.request),
                organisation=org,
                industries=industries,
                qualifications=qualifications,
            )
        # Re-read: the prefetched industries and qualifications are stale.
        return self.get_queryset().get(pk=org.pk)
