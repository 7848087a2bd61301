"""API of certification/onsite/rules.py, mounted under /api/v1/ by portal/api_urls.py:
``routes`` go to the router, ``urlpatterns`` are added as they are.

``applications/<id>/review/`` and below follow the application's scope
(``Application.objects.visible_to``: 404 outside it, and 404 before the
review has started). Inside the scope:

- the reviewers' answers, score and proposed grade are left out unless the
  user may see them (``onsite.may_see_scores``: the enterprise only once the
  report is verified);
- the veto and deduction list and the rectification request are there for
  everyone in scope;
- writes belong to the current review unit (answers, findings, photos, the
  report), the team (sign-offs) or the applicant (rectification evidence):
  403 for anyone else, 409 when the application is no longer in the state
  the write needs or someone else saved the row first, 400 naming the field
  for refused input.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from certification.api_errors import workflow_errors
from certification.models import Application, Finding, OnSiteReview, ReviewFile, Status
from certification.onsite import findings as onsite_findings
from certification.onsite import rectification as rectifying
from certification.onsite import rules as onsite
from portal.api.base import IdField, PortalAPIMixin, RejectUnknownFieldsMixin, deny_unless
from portal.files import stored_file_response
from portal.parsers import JSONParser
from reviews.models import AssessmentRow, Result
from reviews.scoring_data import score_assessment
from reviews.services import EditConflict

# (prefix, viewset, basename) for the router.
routes: list = []

# --------------------------------------------------------------------------
# Output


class AnswerSerializer(serializers.Serializer):
    result = serializers.CharField()
    deduction = serializers.DecimalField(max_digits=6, decimal_places=1)
    na_reason = serializers.CharField()
    notes = serializers.CharField()


class ReviewRowSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="criterion.code")
    requirement = serializers.CharField(source="criterion.requirement")
    points = serializers.DecimalField(source="criterion.points", max_digits=6, decimal_places=1)
    veto = serializers.BooleanField(source="criterion.is_veto")
    self_answer = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The reviewers' answer; left out (null) unless you may see the scores."
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
            "self_answer",
            "review",
            "revision",
            "updated_at",
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
            "na_reason": row.na_reason,
            "notes": row.notes,
        }

    def to_representation(self, row):
        data = super().to_representation(row)
        if not self.context["scores"]:
            data.pop("revision")
            data.pop("updated_at")
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
    kind_display = serializers.CharField(source="get_kind_display")
    criterion_code = serializers.CharField(source="criterion.code", allow_null=True, default=None)
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


# --------------------------------------------------------------------------
# Endpoints

ERRORS = {
    400: OpenApiResponse(description=gettext_lazy("Refused input, naming the field.")),
    403: OpenApiResponse(description=gettext_lazy("Not yours to do.")),
    404: OpenApiResponse(description=gettext_lazy("Not in your scope, or no review yet.")),
    409: OpenApiResponse(
        description=gettext_lazy(
            "The application is no longer in the state this needs, or someone else saved first."
        )
    ),
}


class ReviewAPIView(PortalAPIMixin, GenericAPIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    serializer_class: type[serializers.Serializer] = ReviewSerializer

    def application(self, pk) -> tuple[Application, OnSiteReview]:
        application = (
            Application.objects.visible_to(self.request.user)
            .select_related("enterprise", "assessment")
            .filter(pk=pk)
            .first()
        )
        if application is None:
            raise NotFound(_("No such application in your scope."))
        review = onsite.review_for(application)
        if review is None:
            raise NotFound(_("The on-site review of this application has not started."))
        return application, review

    def summary(self, application: Application, status_code=status.HTTP_200_OK) -> Response:
        application, review = self.application(application.pk)
        return Response(review_data(self.request, application, review), status=status_code)


class ReviewView(ReviewAPIView):
    @extend_schema(responses={200: ReviewSerializer, 404: ERRORS[404]})
    def get(self, request, pk):
        """The on-site review: each criterion with the self-assessment's answer
        and (if you may see them) the reviewers' answer; the findings; the
        rectification request and evidence; the report and its sign-offs."""
        application, review = self.application(pk)
        return Response(review_data(request, application, review))


class ReviewRowView(ReviewAPIView):
    serializer_class = RowInputSerializer

    @extend_schema(request=RowInputSerializer, responses={200: ReviewRowSerializer, **ERRORS})
    def patch(self, request, pk, row_id):
        """Save one of the reviewers' answers (the current review unit, during
        the review). 409 with the other version when someone saved it first."""
        application, review = self.application(pk)
        row = AssessmentRow.objects.filter(pk=row_id, assessment_id=review.assessment_id).first()
        if row is None:
            raise NotFound(_("This review has no such row."))
        body = RowInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        conflict = None
        with workflow_errors():
            try:
                saved = onsite.review_row_save(
                    actor=request.user,
                    application=application,
                    row=row,
                    result=data["result"],
                    deduction=data.get("deduction"),
                    na_reason=data.get("na_reason", ""),
                    notes=data.get("notes", ""),
                    revision=data["revision"],
                )
            except EditConflict as error:
                conflict = error
        context = {"request": request, "application": application, "scores": True, "baseline": {}}
        if conflict is not None:
            # Someone else saved first: their version, to decide again from.
            return Response(
                {
                    "detail": str(conflict.message),
                    "conflict": True,
                    "row": ReviewRowSerializer(conflict.row, context=context).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(ReviewRowSerializer(saved, context=context).data)


class FindingsView(ReviewAPIView):
    serializer_class = FindingInputSerializer

    @extend_schema(request=FindingInputSerializer, responses={201: FindingSerializer, **ERRORS})
    def post(self, request, pk):
        """Record a finding (veto, deduction or suggestion; the current review unit)."""
        application, review = self.application(pk)
        body = FindingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            finding = onsite_findings.finding_add(
                actor=request.user, application=application, **body.validated_data
            )
        return Response(
            FindingSerializer(
                finding, context={"request": request, "application": application}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class FindingView(ReviewAPIView):
    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request, pk, finding_id):
        """Delete a finding (the current review unit, during the review)."""
        application, review = self.application(pk)
        finding = Finding.objects.filter(pk=finding_id, review=review).first()
        if finding is None:
            raise NotFound(_("This review has no such finding."))
        with workflow_errors():
            onsite_findings.finding_delete(
                actor=request.user, application=application, finding=finding
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class FindingPhotosView(ReviewAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = PhotoInputSerializer

    @extend_schema(
        request={"multipart/form-data": PhotoInputSerializer},
        responses={201: ReviewFileSerializer, **ERRORS},
    )
    def post(self, request, pk, finding_id):
        """Add a photo to a finding (JPG or PNG, checked by content)."""
        application, review = self.application(pk)
        finding = Finding.objects.filter(pk=finding_id, review=review).first()
        if finding is None:
            raise NotFound(_("This review has no such finding."))
        body = PhotoInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            photo = onsite_findings.finding_photo_add(
                actor=request.user,
                application=application,
                finding=finding,
                upload=body.validated_data["file"],
            )
        return Response(
            ReviewFileSerializer(
                photo, context={"request": request, "application": application}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ReviewFileView(ReviewAPIView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            403: ERRORS[403],
            404: ERRORS[404],
        }
    )
    def get(self, request, pk, file_id):
        """A finding's photo or a rectification file, for whoever may see it."""
        application, review = self.application(pk)
        stored = (
            ReviewFile.objects.select_related("finding").filter(pk=file_id, review=review).first()
        )
        if stored is None:
            raise NotFound(_("This review has no such file."))
        if stored.finding is not None and stored.finding.kind not in onsite.LISTED_KINDS:
            deny_unless(
                onsite.may_see_scores(request.user, application, review=review),
                _("The reviewers' suggestions are shown with the scores."),
            )
        return stored_file_response(
            stored.file, filename=stored.original_name, content_type=stored.content_type
        )


class ReportView(ReviewAPIView):
    serializer_class = ReportInputSerializer

    @extend_schema(request=ReportInputSerializer, responses={200: ReviewSerializer, **ERRORS})
    def patch(self, request, pk):
        """Write the report's summary and technical head (the current review unit)."""
        application, review = self.application(pk)
        body = ReportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with workflow_errors():
            onsite.report_update(
                actor=request.user,
                application=application,
                summary=data.get("summary", review.summary),
                technical_head=data.get("technical_head", review.technical_head),
            )
        return self.summary(application)


class SignView(ReviewAPIView):
    serializer_class = SignInputSerializer

    @extend_schema(request=SignInputSerializer, responses={200: ReviewSerializer, **ERRORS})
    def post(self, request, pk):
        """A team member signs the report (their own login, or for a reviewer
        without one a user of the unit); 409 if already signed."""
        application, review = self.application(pk)
        body = SignInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            onsite.report_sign(
                actor=request.user,
                application=application,
                reviewer=body.validated_data["reviewer"],
            )
        return self.summary(application)


class RectificationEvidenceView(ReviewAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = EvidenceInputSerializer

    @extend_schema(
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: ReviewFileSerializer, **ERRORS},
    )
    def post(self, request, pk):
        """Upload rectification evidence (the applicant, while rectifying)."""
        application, review = self.application(pk)
        body = EvidenceInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            stored = rectifying.rectification_evidence_add(
                actor=request.user,
                application=application,
                upload=body.validated_data["file"],
                note=body.validated_data.get("note", ""),
            )
        return Response(
            ReviewFileSerializer(
                stored, context={"request": request, "application": application}
            ).data,
            status=status.HTTP_201_CREATED,
        )


BASE = "applications/<int:pk>/review/"
urlpatterns: list = [
    path(BASE, ReviewView.as_view(), name="api-application-review"),
    path(f"{BASE}rows/<int:row_id>/", ReviewRowView.as_view(), name="api-application-review-row"),
    path(f"{BASE}findings/", FindingsView.as_view(), name="api-application-review-findings"),
    path(
        f"{BASE}findings/<int:finding_id>/",
        FindingView.as_view(),
        name="api-application-review-finding",
    ),
    path(
        f"{BASE}findings/<int:finding_id>/photos/",
        FindingPhotosView.as_view(),
        name="api-application-review-photos",
    ),
    path(
        f"{BASE}files/<int:file_id>/", ReviewFileView.as_view(), name="api-application-review-file"
    ),
    path(f"{BASE}report/", ReportView.as_view(), name="api-application-review-report"),
    path(f"{BASE}sign/", SignView.as_view(), name="api-application-review-sign"),
    path(
        f"{BASE}rectification-evidence/",
        RectificationEvidenceView.as_view(),
        name="api-application-review-evidence",
    ),
]
