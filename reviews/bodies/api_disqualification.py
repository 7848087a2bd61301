"""/api/v1/disqualification-proposals/: the organising unit proposes to disqualify a
review unit; the industry regulator of the unit's qualifications or the city office
decides (reviews/bodies/disqualification.py). Proposals outside the user's scope: 404;
a write without the right: 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from portal.api.base import PortalAPIMixin, RejectUnknownFieldsMixin, acting_user, service_errors
from reviews.bodies import disqualification, selectors
from reviews.models import DisqualificationProposal


class ProposalSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    proposer_name = serializers.CharField(source="proposer.name", read_only=True)
    decider_name = serializers.CharField(source="decider.name", read_only=True, allow_null=True)

    class Meta:
        model = DisqualificationProposal
        fields = [
            "id",
            "unit",
            "unit_name",
            "status",
            "reason",
            "evidence",
            "failed_spot_checks",
            "proposer_name",
            "proposed_at",
            "decider_name",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class ProposalCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    unit = serializers.IntegerField(help_text=gettext_lazy("The review unit's id."))
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    evidence = serializers.CharField(max_length=4000, allow_blank=True)


class DecisionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class DisqualificationProposalViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Proposals to disqualify review units: of the units the user manages, decides on,
    or is."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        # select_related keeps the list at a fixed number of queries.
        return (
            disqualification.proposals_visible_to(self.request.user)
            .select_related("unit", "proposer", "decider")
            .order_by("-proposed_at", "-pk")
        )

    @extend_schema(request=ProposalCreateSerializer, responses={201: ProposalSerializer})
    def create(self, request):
        """The organising unit managing the review unit proposes, with reason and evidence."""
        body = ProposalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        unit = selectors.units_visible_to(request.user).filter(pk=data["unit"]).first()
        if unit is None:
            raise serializers.ValidationError({"unit": [gettext_lazy("No such review unit.")]})
        try:
            with service_errors():
                proposal = disqualification.proposal_create(
                    actor=acting_user(request),
                    unit=unit,
                    reason=data["reason"],
                    evidence=data["evidence"],
                )
        except DjangoPermissionDenied:
            raise PermissionDenied(
                gettext_lazy("Only the organising unit managing the review unit proposes.")
            ) from None
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(self.get_serializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The industry regulator of the unit's qualifications or the city office
        approves (the unit is disqualified) or refuses, with its reasons."""
        proposal = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with service_errors():
                disqualification.proposal_decide(
                    actor=acting_user(request),
                    proposal=proposal,
                    approve=body.validated_data["decision"] == "approve",
                    reason=body.validated_data["reason"],
                )
        except DjangoPermissionDenied:
            raise PermissionDenied(
                gettext_lazy(
                    "Only the industry regulator of the unit's qualifications or the city "
                    "office decides."
                )
            ) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)


__all__ = ["DisqualificationProposalViewSet"]
