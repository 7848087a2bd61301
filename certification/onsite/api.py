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

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from certification.api_errors import workflow_errors
from certification.models import Application, Finding, OnSiteReview, ReviewFile
from certification.onsite import brief as hazard_brief
from certification.onsite import confirmation
from certification.onsite import findings as onsite_findings
from certification.onsite import rectification as rectifying
from certification.onsite import rules as onsite
from certification.onsite.serializers import (
    ConfirmInputSerializer,
    EvidenceInputSerializer,
    FindingInputSerializer,
    FindingSerializer,
    PhotoInputSerializer,
    ReportInputSerializer,
    ReviewFileSerializer,
    ReviewRowSerializer,
    ReviewSerializer,
    RowFindingInputSerializer,
    RowInputSerializer,
    SignInputSerializer,
    review_data,
)
from portal.api.base import PortalAPIMixin, deny_unless
from portal.files import stored_file_response
from portal.parsers import JSONParser
from reviews.models import AssessmentRow
from reviews.services import EditConflict

# (prefix, viewset, basename) for the router.
routes: list = []

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
                    occurrences=data.get("occurrences"),
                    extra_condition=data.get("extra_condition", False),
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


class ConfirmView(ReviewAPIView):
    serializer_class = ConfirmInputSerializer

    @extend_schema(
        request=ConfirmInputSerializer, responses={200: ReviewRowSerializer(many=True), **ERRORS}
    )
    def post(self, request, pk):
        """Confirm rows of the reviewers' sheet as they stand: checked on site and
        agreed (the current review unit, during the review). Saving a row confirms
        it too; the report cannot be submitted while a row is unconfirmed."""
        application, review = self.application(pk)
        body = ConfirmInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            rows = confirmation.review_rows_confirm(
                actor=request.user, application=application, rows=body.validated_data["rows"]
            )
        context = {"request": request, "application": application, "scores": True, "baseline": {}}
        return Response(ReviewRowSerializer(rows, many=True, context=context).data)


class RowFindingView(ReviewAPIView):
    serializer_class = RowFindingInputSerializer

    @extend_schema(request=RowFindingInputSerializer, responses={201: FindingSerializer, **ERRORS})
    def post(self, request, pk, row_id):
        """Record a finding against the criterion of one row (a deduction unless
        ``kind`` says otherwise; the current review unit)."""
        application, review = self.application(pk)
        if not AssessmentRow.objects.filter(pk=row_id, assessment_id=review.assessment_id).exists():
            raise NotFound(_("This review has no such row."))
        body = RowFindingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            finding = onsite_findings.finding_from_row(
                actor=request.user, application=application, row=row_id, **body.validated_data
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


class FindingHazardInputSerializer(serializers.Serializer):
    deadline = serializers.DateField(help_text=gettext_lazy("Rectification deadline."))
    location = serializers.CharField(
        max_length=200, help_text=gettext_lazy("Location or equipment.")
    )
    category = serializers.ChoiceField(
        choices=[("site", "site"), ("management", "management")],
        required=False,
        help_text=gettext_lazy(
            "The hazard's category: site (现场管理类) or management (基础管理类)."
        ),
    )


class FindingHazardView(ReviewAPIView):
    serializer_class = FindingHazardInputSerializer

    @extend_schema(
        request=FindingHazardInputSerializer, responses={201: FindingSerializer, **ERRORS}
    )
    def post(self, request, pk, finding_id):
        """Record a veto or deduction finding as a hazard of the enterprise's ledger
        (source 评审发现; the current review unit, once per finding: 409 the second time)."""
        application, review = self.application(pk)
        finding = Finding.objects.filter(pk=finding_id, review=review).first()
        if finding is None:
            raise NotFound(_("This review has no such finding."))
        body = FindingHazardInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with workflow_errors():
            finding = onsite_findings.finding_record_hazard(
                actor=request.user, application=application, finding=finding, **body.validated_data
            )
        return Response(
            FindingSerializer(
                finding, context={"request": request, "application": application}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class BriefMajorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    deadline = serializers.DateField()
    overdue = serializers.BooleanField()
    listed = serializers.BooleanField()
    listing_number = serializers.CharField()


class BriefGeneralSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    last_12_months = serializers.IntegerField()


class HazardBriefSerializer(serializers.Serializer):
    major = BriefMajorSerializer(many=True)
    general = BriefGeneralSerializer()


class HazardBriefView(PortalAPIMixin, GenericAPIView):
    serializer_class = HazardBriefSerializer

    @extend_schema(responses={200: HazardBriefSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, pk):
        """The pre-visit brief of the enterprise's hazards: its open major hazards
        (deadline, overdue, listed) and its general hazard counts; for the review unit
        while it is assigned (403 for anyone else in scope)."""
        application = (
            Application.objects.visible_to(request.user)
            .select_related("enterprise")
            .filter(pk=pk)
            .first()
        )
        if application is None:
            raise NotFound(_("No such application in your scope."))
        deny_unless(
            hazard_brief.may_see_brief(request.user, application),
            _("The hazard brief is for the review unit assigned to the application."),
        )
        brief = hazard_brief.brief_for(request.user, application)
        if brief is None:
            raise NotFound(_("The enterprise's hazards are not in your scope."))
        return Response(HazardBriefSerializer(brief).data)


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
    path(f"{BASE}confirm/", ConfirmView.as_view(), name="api-application-review-confirm"),
    path(
        f"{BASE}rows/<int:row_id>/findings/",
        RowFindingView.as_view(),
        name="api-application-review-row-findings",
    ),
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
        f"{BASE}findings/<int:finding_id>/hazard/",
        FindingHazardView.as_view(),
        name="api-application-review-finding-hazard",
    ),
    path(
        "applications/<int:pk>/hazard-brief/",
        HazardBriefView.as_view(),
        name="api-application-hazard-brief",
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
