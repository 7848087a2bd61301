"""Assessments, their rows and evidence (see reviews/api/__init__.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    acting_user,
    deny_unless,
    service_errors,
)
from portal.api.pagination import CappedPagination
from portal.errors import ServiceError
from portal.files import stored_file_response
from portal.parsers import JSONParser
from reviews import services
from reviews.api.assessment_serializers import (
    AssessmentCreateSerializer,
    AssessmentDetailSerializer,
    AssessmentFilterSerializer,
    AssessmentHeaderSerializer,
    AssessmentSerializer,
    BulkAnswerSerializer,
    ConflictSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    RowAnswerSerializer,
    RowSavedSerializer,
    RowSerializer,
    RowsSavedSerializer,
    assessment_detail,
    rows_queryset,
)
from reviews.models import (
    Assessment,
    AssessmentRow,
    Evidence,
)
from reviews.permissions import can_edit_assessment, can_start_assessment
from reviews.scoring_data import score_assessment
from reviews.selectors import NEWEST_FIRST, with_row_counts


def refuse(error: ServiceError) -> None:
    """Answer a service's refusal with 400, as ``service_errors`` does."""
    with service_errors():
        raise error


class _BulkRefused(Exception):
    """Leaves the bulk transaction so that nothing of it is written."""

    def __init__(self, response: Response):
        self.response = response


# --------------------------------------------------------------------------
# Assessments: endpoints


@extend_schema_view(
    list=extend_schema(parameters=[AssessmentFilterSerializer]),
    retrieve=extend_schema(responses=AssessmentDetailSerializer),
)
class AssessmentViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Self-assessments in the user's scope. The enterprise's own users
    create, answer and submit them; whoever oversees the enterprise reads
    the submitted ones. The review unit's on-site scores are not here: they
    are under /api/v1/applications/{id}/review/."""

    serializer_class = AssessmentSerializer
    pagination_class = CappedPagination

    def get_queryset(self):
        return Assessment.objects.visible_to(self.request.user).select_related(
            "enterprise", "version__standard"
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = AssessmentFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = {key: value for key, value in params.validated_data.items() if value != ""}
        if "enterprise" in filters:
            filters["enterprise_id"] = filters.pop("enterprise")
        if "version" in filters:
            filters["version_id"] = filters.pop("version")
        return queryset.filter(**filters).order_by(*NEWEST_FIRST)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_row_counts(list(page))

    def retrieve(self, request, pk=None):
        return Response(assessment_detail(self.get_object(), request.user))

    # -- header -----------------------------------------------------------

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentDetailSerializer})
    def create(self, request):
        user = request.user
        deny_unless(
            can_start_assessment(user),
            _("Only an enterprise's own users can start its self-assessment."),
        )
        enterprise = Enterprise.objects.filter(account_id=user.organisation_id).first()
        deny_unless(
            enterprise is not None,
            _("Your organisation is not linked to an enterprise in the registry."),
        )
        serializer = AssessmentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        with service_errors():
            assessment = services.assessment_create(
                actor=user, enterprise=enterprise, **serializer.validated_data
            )
        assessment = self.get_queryset().get(pk=assessment.pk)
        return Response(assessment_detail(assessment, user), status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentHeaderSerializer, responses=AssessmentDetailSerializer)
    def partial_update(self, request, pk=None):
        assessment = self._editable()
        serializer = AssessmentHeaderSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        with service_errors():
            services.assessment_update(actor=request.user, assessment=assessment, **fields)
        return Response(assessment_detail(self.get_object(), request.user))

    @extend_schema(request=None, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = self._editable()
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with service_errors():
            services.assessment_submit(actor=request.user, assessment=assessment)
        return Response(assessment_detail(self.get_object(), request.user))

    # -- rows ---------------------------------------------------------------

    @extend_schema(responses=RowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def rows(self, request, pk=None):
        """Every row of the assessment, in the standard's order (not paginated)."""
        assessment = self.get_object()
        rows = rows_queryset().filter(assessment=assessment)
        return Response(RowSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(responses=RowSerializer)
    @action(detail=True, methods=["get"], url_path=r"rows/(?P<row_id>[0-9]+)", url_name="row")
    def row(self, request, pk=None, row_id=None):
        assessment = self.get_object()
        return Response(self._row_data(self._row(assessment, row_id)))

    @extend_schema(
        request=RowAnswerSerializer,
        responses={
            200: RowSavedSerializer,
            409: OpenApiResponse(
                ConflictSerializer,
                description=gettext_lazy(
                    "Someone else saved the row since the given revision; nothing was written."
                ),
            ),
        },
    )
    @row.mapping.patch
    def row_update(self, request, pk=None, row_id=None):
        assessment = self._editable()
        row = self._row(assessment, row_id, full=False)
        serializer = RowAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # A PATCH keeps what it does not name.
        answer = {
            "result": data.get("result", row.result),
            "deduction": data.get("deduction", row.deduction),
            # A typed deduction replaces counted occurrences unless both are named.
            "occurrences": data.get(
                "occurrences", None if "deduction" in data else row.occurrences
            ),
            "extra_condition": data.get("extra_condition", row.extra_condition),
            "na_reason": data.get("na_reason", row.na_reason),
            "notes": data.get("notes", row.notes),
        }
        row.assessment = assessment
        try:
            services.row_save(actor=request.user, row=row, revision=data["revision"], **answer)
        except services.EditConflict as conflict:
            return self._conflict_response([conflict.row])
        except ServiceError as error:
            refuse(error)
        return Response(
            {
                "row": self._row_data(self._row(assessment, row_id)),
                "score": score_assessment(assessment).as_dict(),
            }
        )

    @extend_schema(
        request=BulkAnswerSerializer(many=True),
        responses={
            200: RowsSavedSerializer,
            409: OpenApiResponse(
                description=gettext_lazy(
                    "Someone else saved some of the rows; nothing was written."
                )
            ),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def answers(self, request, pk=None):
        """Answer many criteria at once, named by their codes: all or nothing."""
        assessment = self._editable()
        serializer = BulkAnswerSerializer(
            data=request.data, many=True, allow_empty=False, max_length=5000
        )
        serializer.is_valid(raise_exception=True)
        items = serializer.validated_data
        try:
            with transaction.atomic():
                saved = self._save_answers(assessment, items)
        except _BulkRefused as refused:
            return refused.response
        rows = rows_queryset().filter(pk__in=saved)
        return Response(
            {
                "rows": RowSerializer(rows, many=True, context={"request": request}).data,
                "score": score_assessment(assessment).as_dict(),
            }
        )

    def _save_answers(self, assessment: Assessment, items: list[dict]) -> list[int]:
        # Holding the assessment serialises the batch with a submission.
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        codes = [item["criterion"] for item in items]
        rows = {
            row.criterion.code: row
            for row in locked.rows.select_related("criterion").filter(criterion__code__in=codes)
        }
        # Keyed by the item's index, as DRF reports a list's errors.
        errors: dict[int, dict] = {}
        conflicts = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            code = item["criterion"]
            row = rows.get(code)
            if row is None:
                errors[index] = {
                    "criterion": [
                        _(
                            "“%(code)s” is not a criterion of this assessment's standard (%(version)s)."
                        )
                        % {"code": code, "version": assessment.version}
                    ]
                }
                continue
            if code in seen:
                errors[index] = {
                    "criterion": [_("Criterion “%(code)s” is answered twice.") % {"code": code}]
                }
                continue
            seen.add(code)
            row.assessment = locked
            try:
                services.row_save(
                    actor=acting_user(self.request),
                    row=row,
                    result=item["result"],
                    deduction=item.get("deduction"),
                    occurrences=item.get("occurrences"),
                    extra_condition=item.get("extra_condition", False),
                    na_reason=item.get("na_reason", ""),
                    notes=item.get("notes", ""),
                    revision=item["revision"],
                )
            except services.EditConflict as conflict:
                conflicts.append(conflict.row)
                errors[index] = {"revision": [str(conflict.message)]}
            except ServiceError as error:
                errors[index] = {error.field or "non_field_errors": [str(error.message)]}
        if errors:
            if len(conflicts) == len(errors):
                raise _BulkRefused(self._conflict_response(conflicts))
            raise _BulkRefused(Response(errors, status=status.HTTP_400_BAD_REQUEST))
        return [rows[code].pk for code in seen]

    # -- evidence -------------------------------------------------------------

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"rows/(?P<row_id>[0-9]+)/evidence",
        url_name="row-evidence",
        parser_classes=[MultiPartParser, FormParser],
    )
    def evidence_upload(self, request, pk=None, row_id=None):
        assessment = self._editable()
        row = self._row(assessment, row_id, full=False)
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            evidence = services.evidence_add(
                actor=request.user, row=row, upload=serializer.validated_data["file"]
            )
        evidence = Evidence.objects.select_related("row", "uploaded_by").get(pk=evidence.pk)
        return Response(
            EvidenceSerializer(evidence, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[0-9]+)",
        url_name="evidence-download",
    )
    def evidence_download(self, request, pk=None, evidence_id=None):
        """The file, as an attachment under the name it was uploaded with."""
        assessment = self.get_object()
        evidence = Evidence.objects.filter(row__assessment=assessment, pk=evidence_id).first()
        if evidence is None:
            raise NotFound
        return stored_file_response(
            evidence.file, filename=evidence.original_name, content_type=evidence.content_type
        )

    # -- helpers ----------------------------------------------------------------

    def _editable(self) -> Assessment:
        """The assessment in scope (else 404) that the user may write (else 403)."""
        assessment = self.get_object()
        deny_unless(
            can_edit_assessment(self.request.user, assessment),
            _(
                "You can view this assessment but not change it: only the enterprise's own "
                "users can."
            ),
        )
        return assessment

    def _row(self, assessment: Assessment, row_id, *, full: bool = True) -> AssessmentRow:
        """A row of this assessment (a row id of another one is 404); ``full``
        with all the row shows, else just what saving it needs."""
        qs = rows_queryset() if full else AssessmentRow.objects.select_related("criterion")
        row = qs.filter(assessment=assessment, pk=row_id).first()
        if row is None:
            raise NotFound(_("This assessment has no such row."))
        return row

    def _row_data(self, row: AssessmentRow) -> dict:
        return RowSerializer(row, context={"request": self.request}).data

    def _conflict_response(self, rows: list[AssessmentRow]) -> Response:
        fresh = {row.pk: row for row in rows_queryset().filter(pk__in=[r.pk for r in rows])}
        data = [
            RowSerializer(fresh[row.pk], context={"request": self.request}).data for row in rows
        ]
        body: dict[str, Any] = {"detail": str(services.EditConflict(rows[0]).message)}
        body.update({"row": data[0]} if len(data) == 1 else {"rows": data})
        return Response(body, status=status.HTTP_409_CONFLICT)
