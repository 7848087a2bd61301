"""Serializers of the applications API (certification/applications/api.py):
what the API shows of an application, its materials, history, team and open
moves, and the input of its endpoints.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Field, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers

from certification import engine
from certification.assignment.simplified import required_materials
from certification.models import (
    Application,
    ApplicationEvent,
    Assignment,
    AssignmentMember,
    Material,
    MaterialKind,
    Status,
)
from certification.workflow import TRANSITIONS, transitions_from
from enterprises.models import Enterprise
from portal.api.base import (
    IdField,
    RejectUnknownFieldsMixin,
)
from portal.api.labels import ChoiceLabelField, ReferenceNameField
from portal.models import Industry, Organisation, OrganisationKind, Region
from reviews.models import Assessment, Reviewer

# --------------------------------------------------------------------------
# Output


class ApplicationSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    district = serializers.CharField(source="enterprise.region_id")
    district_name = ReferenceNameField(Region, "enterprise.region_id")
    industry_name = ReferenceNameField(Industry, "industry_id")
    tier_display = ChoiceLabelField("tier")
    status_display = ChoiceLabelField("status")
    applicant_name = serializers.CharField(source="applicant.name")
    receiver_name = serializers.CharField(source="receiver.name")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "district",
            "district_name",
            "industry",
            "industry_name",
            "tier",
            "tier_display",
            "status",
            "status_display",
            "applicant",
            "applicant_name",
            "receiver",
            "receiver_name",
            "status_changed_at",
            "due_on",
            "due_is_estimated",
            "overdue",
            "created_at",
            "submitted_at",
        ]

    def get_overdue(self, application: Application) -> bool:
        return application.due_on is not None and application.due_on < timezone.localdate()


class MaterialSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField("kind")
    name = serializers.CharField(source="original_name")
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, material: Material) -> str:
        path = reverse(
            "api-application-material",
            kwargs={"pk": material.application_id, "material_id": material.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# Named apart from the certificate's history events in the schema.
@extend_schema_serializer(component_name="ApplicationEvent")
class EventSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields off the class
    to_status_display = ChoiceLabelField("to_status")
    actor = serializers.CharField(source="actor.username")
    actor_name = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)

    class Meta:
        model = ApplicationEvent
        fields = [
            "id",
            "transition",
            "label",
            "from_status",
            "to_status",
            "to_status_display",
            "actor",
            "actor_name",
            "organisation",
            "comment",
            "created_at",
        ]

    def get_label(self, event: ApplicationEvent) -> str:
        move = TRANSITIONS.get(event.transition)
        return str(move.label) if move else event.transition

    def get_actor_name(self, event: ApplicationEvent) -> str:
        return event.actor.get_full_name() or event.actor.username


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="reviewer.name")
    certificate_no = serializers.CharField(source="reviewer.certificate_no")
    signed_by = serializers.CharField(
        source="declaration_signed_by.username", allow_null=True, default=None
    )

    class Meta:
        model = AssignmentMember
        fields = [
            "reviewer",
            "name",
            "certificate_no",
            "is_leader",
            "declaration_signed_at",
            "signed_by",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    flagged = serializers.BooleanField(source="is_flagged")
    members = MemberSerializer(many=True)

    class Meta:
        model = Assignment
        fields = ["unit", "unit_name", "assigned_at", "flagged", "members"]


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields off the class
    url = serializers.CharField()
    needs_comment = serializers.BooleanField()


class ApplicationDetailSerializer(ApplicationSerializer):
    assessment_score = serializers.DecimalField(
        source="assessment.submitted_score", max_digits=4, decimal_places=1, allow_null=True
    )
    assessment_grade = serializers.CharField(source="assessment.submitted_grade")
    materials = MaterialSerializer(many=True)
    missing_materials = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    assignment = serializers.SerializerMethodField()
    timeline = EventSerializer(many=True, source="events")
    # The grading authority (定级部门) that approves, publicises and announces
    # the grade reached (certification/approval/rules.py); null until verified.
    authority_name = serializers.CharField(source="authority.name", allow_null=True, default=None)

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "assessment",
            "assessment_score",
            "assessment_grade",
            "deaths_last_year",
            "serious_injuries_last_year",
            "accidents_last_3_years",
            "declaration_confirmed",
            "national_result",
            "national_reference",
            "granted_tier",
            "authority",
            "authority_name",
            "materials",
            "missing_materials",
            "actions",
            "assignment",
            "timeline",
        ]

    @extend_schema_field(AssignmentSerializer(allow_null=True))
    def get_assignment(self, application: Application) -> dict | None:
        """The current review unit and team, with the declarations."""
        current = (
            Assignment.objects.filter(application=application, withdrawn_at__isnull=True)
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=AssignmentMember.objects.select_related(
                        "reviewer", "declaration_signed_by"
                    ),
                )
            )
            .first()
        )
        return AssignmentSerializer(current).data if current else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_materials(self, application: Application) -> list[str]:
        have = {material.kind for material in application.materials.all()}
        return [kind for kind in required_materials(application.tier) if kind not in have]

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, application: Application) -> list[dict]:
        """The moves the user can make now, from the workflow's declaration."""
        request = self.context["request"]
        return [
            {
                "name": move.name,
                "label": str(move.label),
                "needs_comment": move.needs_comment,
                "url": request.build_absolute_uri(
                    reverse(f"api-application-{move.name.replace('_', '-')}", args=[application.pk])
                ),
            }
            for move in transitions_from(application.status, application.tier)
            if not move.via_batch and engine.can_perform(request.user, application, move)
        ]


# --------------------------------------------------------------------------
# Input


class ApplicationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    tier = serializers.ChoiceField(
        choices=Application.Tier.choices, required=False, allow_blank=True
    )
    enterprise = IdField(required=False, help_text=gettext_lazy("Enterprise id."))
    district = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("District code.")
    )
    industry = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Industry code.")
    )
    overdue = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Only applications past their step's due date.")
    )


class DeclarationSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    deaths_last_year = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    serious_injuries_last_year = serializers.IntegerField(
        min_value=0, max_value=32767, required=False
    )
    accidents_last_3_years = serializers.CharField(
        required=False, allow_blank=True, max_length=4000
    )
    declaration_confirmed = serializers.BooleanField(required=False)


class ApplicationCreateSerializer(DeclarationSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "The enterprise applying: a group names one of its members; "
            "an enterprise may leave it out (its own is used)."
        ),
    )
    assessment = serializers.PrimaryKeyRelatedField(
        queryset=Assessment.objects.none(),
        help_text=gettext_lazy("A submitted self-assessment of that enterprise."),
    )
    tier = serializers.ChoiceField(choices=Application.Tier.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # None when the schema is generated
            org = request.user.organisation_id
            self.fields["enterprise"].queryset = Enterprise.objects.filter(
                Q(account_id=org) | Q(group_id=org)
            )
            self.fields["assessment"].queryset = Assessment.objects.visible_to(request.user)


class MaterialUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    file = serializers.FileField(
        help_text=gettext_lazy("PDF, JPG, PNG, DOCX or XLSX, at most 20 MB.")
    )


class CommentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=gettext_lazy("Reasons; required to return or not accept an application."),
    )


class NationalResultSerializer(CommentSerializer):
    national_result = serializers.ChoiceField(
        choices=cast("Field[Any, Any]", Application._meta.get_field("national_result")).choices
        or ()
    )
    national_reference = serializers.CharField(
        max_length=100, help_text=gettext_lazy("The national notice or letter number.")
    )


class RectificationRequestSerializer(CommentSerializer):
    deadline = serializers.DateField(
        help_text=gettext_lazy("The date the enterprise must rectify by.")
    )


class AssignSerializer(CommentSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.REVIEW_UNIT),
        help_text=gettext_lazy("The review unit (see suggestions/)."),
    )
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Reviewer.objects.all(), help_text=gettext_lazy("The team leader's id.")
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=Reviewer.objects.all(),
        many=True,
        required=False,
        help_text=gettext_lazy(
            "The other reviewers of the team: at least two with the leader, all of the unit."
        ),
    )


class SignSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=Reviewer.objects.all(),
        help_text=gettext_lazy("The team member whose no-conflict declaration is signed."),
    )


class ReviewerBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reviewer
        fields = ["id", "name", "certificate_no"]


class SuggestionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    eligible = serializers.BooleanField()
    workload = serializers.IntegerField(
        help_text=gettext_lazy("Current assignments being reviewed.")
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("Why the unit is excluded.")
    )
    reviewers = ReviewerBriefSerializer(many=True)
