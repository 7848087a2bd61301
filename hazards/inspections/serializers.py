"""Serializers of the inspection plans' and records' endpoints (api.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from hazards.inspections import services
from hazards.inspections.selectors import may_manage
from hazards.models import (
    Hazard,
    InspectionKind,
    InspectionParticipant,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
)
from portal.api.base import IdField, RejectUnknownFieldsMixin


class InspectionPlanSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "title",
            "kind",
            "scope",
            "frequency",
            "responsible_person",
            "checklist",
            "standard_version",
            "criteria",
            "catalogue_version",
            "catalogue_items",
            "active",
            "created_at",
        ]
        read_only_fields = fields


class InspectionPlanWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    enterprise = IdField(
        required=False,
        help_text=gettext_lazy("Enterprise id; an enterprise's own users may leave it out."),
    )
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False)
    scope = serializers.CharField(max_length=2000, required=False)
    frequency = serializers.ChoiceField(choices=InspectionPlan.Frequency.choices, required=False)
    responsible_person = serializers.CharField(max_length=50, required=False)
    checklist = serializers.ChoiceField(choices=InspectionPlan.Checklist.choices, required=False)
    standard_version = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "A standard version in force for the enterprise (checklist standard)."
        ),
    )
    criteria = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=5000,
        help_text=gettext_lazy("Criterion ids of that version; empty for all."),
    )
    catalogue_version = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("A major-hazard catalogue version in force (checklist catalogue)."),
    )
    catalogue_items = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=5000,
        help_text=gettext_lazy("Item ids of that version; empty for all."),
    )


class InspectionRecordSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    leader_name = serializers.SerializerMethodField()

    class Meta:
        model = InspectionRecord
        fields = [
            "id",
            "plan",
            "plan_title",
            "enterprise",
            "enterprise_name",
            "kind",
            "principal_led",
            "inspected_on",
            "leader",
            "leader_name",
            "notes",
            "status",
            "completed_at",
        ]
        read_only_fields = fields

    def get_leader_name(self, record: InspectionRecord) -> str:
        return str(record.leader.get_full_name() or record.leader.username)


class InspectionParticipantSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = InspectionParticipant
        fields = ["user", "name", "confirmed_at"]
        read_only_fields = fields

    def get_name(self, participant: InspectionParticipant) -> str:
        return str(participant.user.get_full_name() or participant.user.username)


class InspectionPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionPhoto
        fields = ["id", "result", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class InspectionResultSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    hazard_number = serializers.CharField(source="hazard.number", read_only=True, default=None)
    photos = InspectionPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionResult
        fields = [
            "id",
            "criterion",
            "catalogue_item",
            "code",
            "text",
            "outcome",
            "note",
            "location",
            "category",
            "deadline",
            "hazard",
            "hazard_number",
            "photos",
        ]
        read_only_fields = fields

    def get_code(self, result: InspectionResult) -> str:
        return services.item_code(result)

    def get_text(self, result: InspectionResult) -> str:
        if result.criterion is not None:
            return str(result.criterion.requirement)
        assert result.catalogue_item is not None
        return str(result.catalogue_item.text)


class InspectionRecordDetailSerializer(InspectionRecordSerializer):
    participants = InspectionParticipantSerializer(many=True, read_only=True)
    results = InspectionResultSerializer(many=True, read_only=True)
    may_write = serializers.SerializerMethodField()
    may_confirm = serializers.SerializerMethodField()

    class Meta(InspectionRecordSerializer.Meta):
        fields = [*InspectionRecordSerializer.Meta.fields, "participants", "results"]
        fields += ["may_write", "may_confirm"]
        read_only_fields = fields

    def get_may_write(self, record: InspectionRecord) -> bool:
        user = self.context["request"].user
        return record.status == InspectionRecord.Status.DRAFT and may_manage(
            user, record.enterprise
        )

    def get_may_confirm(self, record: InspectionRecord) -> bool:
        user = self.context["request"].user
        return record.status == InspectionRecord.Status.DRAFT and any(
            p.user_id == user.pk and p.confirmed_at is None for p in record.participants.all()
        )


class InspectionRecordStartSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    plan = IdField(help_text=gettext_lazy("An active plan in your scope."))
    inspected_on = serializers.DateField()
    leader = IdField(help_text=gettext_lazy("User id: one of the enterprise's users."))
    participants = serializers.ListField(
        child=IdField(), required=False, max_length=200, help_text=gettext_lazy("User ids.")
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class InspectionResultWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=InspectionResult.Outcome.choices)
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("For a hazard: its description (required)."),
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = serializers.ChoiceField(
        choices=Hazard.Category.choices, required=False, allow_blank=True
    )
    deadline = serializers.DateField(required=False, allow_null=True)


class InspectionPhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class InspectionCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    principal_led = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())


class InspectionRecordFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InspectionRecord.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False)
    principal_led = serializers.BooleanField(required=False)
    plan = IdField(required=False)
    start = serializers.DateField(required=False, help_text=gettext_lazy("Inspected on or after."))
    end = serializers.DateField(required=False, help_text=gettext_lazy("Inspected on or before."))
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
