"""Serializers of the on-site review's API (certification/onsite/api.py): what
a user may see of the review (``review_data``), and the input of its writes.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certification.models import Application, Finding, OnSiteReview, ReviewFile, Status
from certification.onsite import rules as onsite
from portal.api.base import IdField, RejectUnknownFieldsMixin
from portal.api.labels import ChoiceLabelField
from reviews.models import AssessmentRow, Result
from reviews.scoring_data import score_assessment

# --------------------------------------------------------------------------
# Output


class AnswerSerializer(serializers.Serializer):
    result = serializers.CharField()
    deduction = serializers.DecimalField(max_digits=6, decimal_places=1)
    occurrences = serializers.IntegerField(allow_null=True, required=False)
    extra_condition = serializers.BooleanField(required=False)
    na_reason = serializers.CharField()
    notes = serializers.CharField()


class ReviewRowSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="criterion.code")
    requirement = serializers.CharField(source="criterion.requirement")
    points = serializers.DecimalField(source="criterion.points", max_digits=6, decimal_places=1)
    veto = serializers.BooleanField(source="criterion.is_veto")
    veto_grades = serializers.ListField(
        source="criterion.veto_grades", child=serializers.CharField()
    )
    allow_na = serializers.BooleanField(source="criterion.allow_na")
    deduction_unit = serializers.DecimalField(
        source="criterion.deduction_unit", max_digits=6, decimal_places=1, allow_null=True
    )
    extra_deduction = serializers.DecimalField(
        source="criterion.extra_deduction", max_digits=6, decimal_places=1
    )
    extra_trigger = serializers.CharField(source="criterion.extra_trigger")
    self_answer = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The reviewers' answer; left out (null) unless you may see the scores."
        )
    )

    confirmed = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Checked on site: a reviewer saved or confirmed the row. False while it is only "
            "the copy of the self-assessment's answer."
        )
    )

    class Meta:
        model = AssessmentRow
        fields = [
            "id",
            "criterion",
            "code",
            "requirement",
            "points",
            "veto",
            "veto_grades",
            "allow_na",
            "deduction_unit",
            "extra_deduction",
            "extra_trigger",
            "self_answer",
            "review",
            "revision",
            "updated_at",
            "confirmed",
            "confirmed_at",
        ]

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_self_answer(self, row: AssessmentRow) -> dict | None:
        theirs = self.context["baseline"].get(row.criterion_id)
        if theirs is None:
            return None
        result, deduction, na_reason, notes = theirs
        return {
            "result": result,
            "deduction": str(deduction),
            "na_reason": na_reason,
            "notes": notes,
        }

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_review(self, row: AssessmentRow) -> dict | None:
        if not self.context["scores"]:
            return None
        return {
            "result": row.result,
            "deduction": str(row.deduction),
            "occurrences": row.occurrences,
            "extra_condition": row.extra_condition,
            "na_reason": row.na_reason,
            "notes": row.notes,
        }

    def get_confirmed(self, row: AssessmentRow) -> bool:
        return row.confirmed_at is not None

    def to_representation(self, row):
        data = super().to_representation(row)
        if not self.context["scores"]:
            for name in ("revision", "updated_at", "confirmed", "confirmed_at"):
                data.pop(name)
        return data


class ReviewFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReviewFile
        fields = [
            "id",
            "purpose",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download",
        ]

    def get_download(self, stored: ReviewFile) -> str:
        url = reverse(
            "api-application-review-file",
            kwargs={"pk": self.context["application"].pk, "file_id": stored.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class FindingSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField("kind")
    criterion_code = serializers.CharField(
        source="criterion.code", allow_null=True, default=None, read_only=True
    )
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "kind",
            "kind_display",
            "criterion",
            "criterion_code",
            "text",
            "must_rectify",
            "rectified",
            "ledger_hazard_id",
            "ledger_hazard_number",
            "created_at",
            "photos",
        ]

    @extend_schema_field(ReviewFileSerializer(many=True))
    def get_photos(self, finding: Finding) -> list[dict]:
        photos = getattr(finding, "photos", None)
        if photos is None:
            photos = finding.files.filter(purpose=ReviewFile.Purpose.FINDING_PHOTO)
        # A ListSerializer's data is a ReturnList; the stubs say ReturnDict.
        return ReviewFileSerializer(photos, many=True, context=self.context).data  # type: ignore[return-value]


class SignoffSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField()
    name = serializers.CharField()
    certificate_no = serializers.CharField()
    is_leader = serializers.BooleanField()
    signed_at = serializers.DateTimeField(allow_null=True)
    signed_by = serializers.CharField(allow_null=True)


class ReviewSerializer(serializers.Serializer):
    """The on-site review as the user may see it."""

    application = serializers.IntegerField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    may_see_scores = serializers.BooleanField()
    may_edit = serializers.BooleanField()
    score = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy(
            "The reported score, or the live score while the review is under way; null when "
            "you may not see it."
        ),
    )
    grade = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy(
            'The proposed grade ("" when no grade is reached); null when you may not see it.'
        ),
    )
    reported_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField(allow_null=True)
    technical_head = serializers.CharField(allow_null=True)
    rectification_deadline = serializers.DateField(allow_null=True)
    rectification_note = serializers.CharField()
    signoffs = SignoffSerializer(many=True, allow_null=True)
    findings = FindingSerializer(many=True)
    rectification_files = ReviewFileSerializer(many=True)
    unconfirmed = serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy(
            "Rows not yet checked on site (the report cannot be submitted while any is left); "
            "null when you may not see the scores."
        ),
    )
    rows = ReviewRowSerializer(many=True)


def review_data(request, application: Application, review: OnSiteReview) -> dict:
    user = request.user
    scores = onsite.may_see_scores(user, application, review=review)
    context = {"request": request, "application": application, "scores": scores}
    listed = review.findings.select_related("criterion")
    if not scores:
        listed = listed.filter(kind__in=onsite.LISTED_KINDS)
    photos: dict[int | None, list[ReviewFile]] = {}
    files = []
    for stored in review.files.all():
        if stored.purpose == ReviewFile.Purpose.FINDING_PHOTO:
            photos.setdefault(stored.finding_id, []).append(stored)
        else:
            files.append(stored)
    findings = list(listed)
    for finding in findings:
        finding.photos = photos.get(finding.pk, [])  # type: ignore[attr-defined]  # read by get_photos
    baseline = {
        criterion_id: rest
        for criterion_id, *rest in AssessmentRow.objects.filter(
            assessment_id=application.assessment_id
        ).values_list("criterion_id", "result", "deduction", "na_reason", "notes")
    }
    rows = list(review.assessment.rows.select_related("criterion").order_by("criterion__position"))
    data = {
        "application": application.pk,
        "status": application.status,
        "started_at": review.started_at,
        "may_see_scores": scores,
        "may_edit": bool(
            user.can_act
            and application.status == Status.ON_SITE_REVIEW
            and onsite.is_review_unit_user(user, application)
        ),
        "score": None,
        "grade": None,
        "reported_at": review.reported_at,
        "summary": None,
        "technical_head": None,
        "signoffs": None,
        "rectification_deadline": review.rectification_deadline,
        "rectification_note": review.rectification_note,
        "findings": FindingSerializer(findings, many=True, context=context).data,
        "rectification_files": ReviewFileSerializer(files, many=True, context=context).data,
        "rows": ReviewRowSerializer(
            rows, many=True, context={**context, "baseline": baseline}
        ).data,
        "unconfirmed": (sum(1 for row in rows if row.confirmed_at is None) if scores else None),
    }
    if scores:
        if review.reported_at is not None:
            data["score"] = str(review.score) if review.score is not None else None
            data["grade"] = review.proposed_tier
        else:
            result = score_assessment(review.assessment)
            data["score"] = str(result.score) if result.score is not None else None
            data["grade"] = onsite.proposed_tier(result.grade or "", application.tier)
        signed = {s.member_id: s for s in review.signoffs.select_related("signed_by")}
        data.update(
            {
                "summary": review.summary,
                "technical_head": review.technical_head,
                "signoffs": [
                    {
                        "reviewer": m.reviewer_id,
                        "name": m.reviewer.name,
                        "certificate_no": (
                            signed[m.pk].certificate_no
                            if m.pk in signed
                            else m.reviewer.certificate_no
                        ),
                        "is_leader": m.is_leader,
                        "signed_at": signed[m.pk].signed_at if m.pk in signed else None,
                        "signed_by": signed[m.pk].signed_by.username if m.pk in signed else None,
                    }
                    for m in onsite.team_members(application)
                ],
            }
        )
    return data


# --------------------------------------------------------------------------
# Input


class RowInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    result = serializers.ChoiceField(choices=[("", "—"), *Result.choices], allow_blank=True)
    deduction = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=30,
        help_text=gettext_lazy("Points deducted, for a partly compliant answer."),
    )
    occurrences = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=32767,
        help_text=gettext_lazy(
            "Instead of deduction, on a criterion with a deduction_unit: the occurrences "
            "found; the deduction is occurrences × unit, capped at the points."
        ),
    )
    extra_condition = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "追加扣除情形成立: the condition of the criterion's extra deduction is found."
        ),
    )
    na_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    revision = serializers.IntegerField(
        min_value=0,
        help_text=gettext_lazy(
            "The row's revision your edit started from; 409 if someone saved it since."
        ),
    )


class FindingInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=Finding.Kind.choices)
    text = serializers.CharField(max_length=4000)
    criterion = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("A criterion of the review's standard."),
    )
    must_rectify = serializers.BooleanField(required=False, default=True)


class PhotoInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("A JPG or PNG photo, at most 20 MB."))


class ReportInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    technical_head = serializers.CharField(required=False, allow_blank=True, max_length=50)


class SignInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reviewer = IdField(help_text=gettext_lazy("The team member who signs the report."))


class EvidenceInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy("PDF, JPG, PNG, DOCX or XLSX, at most 20 MB.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ConfirmInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    rows = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=2000,
        help_text=gettext_lazy("Ids of rows of the review's sheet, confirmed as they stand."),
    )


class RowFindingInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Finding.Kind.choices,
        required=False,
        default=Finding.Kind.DEDUCTION,
        help_text=gettext_lazy("Deduction unless said otherwise."),
    )
    text = serializers.CharField(max_length=4000)
    must_rectify = serializers.BooleanField(required=False, default=True)
