"""REST endpoints of major hazards' reports and plans and of listed supervision
(挂牌督办), mounted by portal/api_urls.py from ``routes``.

- ``hazard-major-reports/<hazard id>/``: the report (GET; PUT saves the draft,
  the enterprise's users), ``submit/`` (the principal), ``acknowledge/`` (an
  office it was sent to); the list holds the reports the user sees,
  ``?to_acknowledge=1`` those awaiting the user's office.
- ``hazard-treatment-plans/<hazard id>/``: the plan (GET; PUT saves it until approved).
- ``hazard-listings/``: the listings in the user's scope with the page's filters;
  POST lists a hazard (the district of its region, the city office);
  ``<id>/progress/``, ``<id>/evaluations/`` (multipart), ``<id>/apply-close/``,
  ``<id>/review/``; ``<id>/notice/`` the 督办通知书 PDF; ``<id>/files/<file id>/``.
- ``public-hazard-listings/``: the public list, no login.

Refusals as in the ledger API: 404 outside the scope, 403 wrong organisation or
role, 409 the object has moved on, 400 bad input naming the field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from hazards.exporting import XLSX
from hazards.ledger_api import REFUSALS, ledger_errors
from hazards.models import (
    EvaluationFile,
    Hazard,
    MajorHazardReport,
    ReportReceipt,
    SupervisionListing,
    TreatmentPlan,
)
from hazards.supervision import pdf, reports, rules, selectors, services
from hazards.supervision.exporting import export_listings
from hazards.supervision.serializers import (
    EvaluationInputSerializer,
    ListingCreateSerializer,
    ListingDetailSerializer,
    ListingFilterSerializer,
    ListingSerializer,
    ListingTextSerializer,
    MajorReportSerializer,
    PlanInputSerializer,
    PlanSerializer,
    PublicListingSerializer,
    ReportFilterSerializer,
    ReportInputSerializer,
    ReviewInputSerializer,
)
from hazards.supervision.workflow import MOVES, VERDICT_MOVES
from hazards.views import LEDGER_KINDS
from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    PortalPagination,
    acting_user,
    deny_unless,
)
from portal.files import stored_file_response
from portal.parsers import JSONParser

# --------------------------------------------------------------------------
# Endpoints


class _LedgerUsers(PortalAPIMixin):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        org = acting_user(request).organisation
        deny_unless(
            org is not None and org.kind in LEDGER_KINDS,
            _("Your organisation keeps or oversees no hazard ledger."),
        )


def _major_hazard(request: Request, pk: str | None) -> Hazard:
    qs = Hazard.objects.visible_to(request.user).select_related("enterprise")
    hazard = get_object_or_404(qs, pk=pk, grade=Hazard.Grade.MAJOR)
    return hazard


class MajorReportViewSet(_LedgerUsers, viewsets.GenericViewSet):
    """Major hazard reports (第14条), addressed by the hazard's id."""

    serializer_class = MajorReportSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[MajorHazardReport]:
        hazards = Hazard.objects.visible_to(self.request.user)
        return (
            MajorHazardReport.objects.filter(hazard__in=hazards)
            .select_related("hazard__enterprise", "signed_by")
            .prefetch_related(
                Prefetch(
                    "receipts",
                    queryset=ReportReceipt.objects.select_related(
                        "organisation", "acknowledged_by"
                    ),
                )
            )
            .order_by("-pk")
        )

    def _readable(self) -> QuerySet[MajorHazardReport]:
        """A draft is the enterprise's own until submitted."""
        own = acting_user(self.request).organisation_id
        return self.get_queryset().filter(
            Q(submitted_at__isnull=False) | Q(hazard__enterprise__account_id=own)
        )

    def _data(self, hazard: Hazard) -> dict[str, Any]:
        report = self._readable().filter(hazard=hazard).first()
        if report is None:
            raise NotFound(_("No report yet."))
        return dict(MajorReportSerializer(report).data)

    @extend_schema(parameters=[ReportFilterSerializer])
    def list(self, request: Request) -> Response:
        """The reports you see; ``?to_acknowledge=true``: awaiting your office's receipt."""
        params = ReportFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = self._readable()
        if params.validated_data.get("to_acknowledge"):
            pending = ReportReceipt.objects.filter(
                organisation_id=acting_user(request).organisation_id or 0,
                acknowledged_at__isnull=True,
            )
            qs = qs.filter(pk__in=pending.values("report_id"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MajorReportSerializer(page, many=True).data)

    @extend_schema(responses={200: MajorReportSerializer, 404: REFUSALS[404]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._data(_major_hazard(request, pk)))

    @extend_schema(
        request=ReportInputSerializer, responses={200: MajorReportSerializer, **REFUSALS}
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        """Save the draft (the enterprise's users; a submitted report no longer changes)."""
        hazard = _major_hazard(request, pk)
        user = acting_user(request)
        deny_unless(
            rules.is_enterprise_user(user, hazard),
            _("Only the enterprise writes its major hazard report."),
        )
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            reports.report_save(actor=user, hazard=hazard, **serializer.validated_data)
        return Response(self._data(hazard))

    @extend_schema(request=NoBodySerializer, responses={200: MajorReportSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The principal signs and submits the report."""
        hazard = _major_hazard(request, pk)
        user = acting_user(request)
        deny_unless(
            rules.is_principal(user, hazard),
            _("The enterprise's principal (its organisation admin) signs and submits the report."),
        )
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with ledger_errors():
            reports.report_submit(actor=user, hazard=hazard)
        return Response(self._data(hazard))

    @extend_schema(request=NoBodySerializer, responses={200: MajorReportSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """签收 by your office, one the report was sent to."""
        hazard = _major_hazard(request, pk)
        user = acting_user(request)
        receipt = ReportReceipt.objects.filter(
            report__hazard=hazard, organisation_id=user.organisation_id or 0
        ).first()
        deny_unless(receipt is not None, _("The report was not sent to your organisation."))
        assert receipt is not None
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        with ledger_errors():
            reports.report_acknowledge(actor=user, receipt=receipt)
        return Response(self._data(hazard))


class TreatmentPlanViewSet(_LedgerUsers, viewsets.GenericViewSet):
    """Treatment plans (第15条), addressed by the hazard's id."""

    serializer_class = PlanSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[TreatmentPlan]:
        return TreatmentPlan.objects.filter(
            hazard__in=Hazard.objects.visible_to(self.request.user)
        ).select_related("approved_by")

    def _data(self, hazard: Hazard) -> dict[str, Any]:
        plan = self.get_queryset().filter(hazard=hazard).first()
        if plan is None:
            raise NotFound(_("No treatment plan yet."))
        return dict(PlanSerializer(plan).data)

    @extend_schema(responses={200: PlanSerializer, 404: REFUSALS[404]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._data(_major_hazard(request, pk)))

    @extend_schema(request=PlanInputSerializer, responses={200: PlanSerializer, **REFUSALS})
    def update(self, request: Request, pk: str | None = None) -> Response:
        """Save the plan (the enterprise's users, until the principal approves it)."""
        hazard = _major_hazard(request, pk)
        user = acting_user(request)
        deny_unless(
            rules.is_enterprise_user(user, hazard),
            _("Only the enterprise writes its treatment plan."),
        )
        serializer = PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            reports.plan_save(actor=user, hazard=hazard, **serializer.validated_data)
        return Response(self._data(hazard))


class ListingViewSet(
    _LedgerUsers, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Listed supervision (挂牌督办) of the major hazards in your scope."""

    serializer_class = ListingSerializer

    def get_queryset(self) -> QuerySet[SupervisionListing]:
        qs = selectors.with_figures(SupervisionListing.objects.visible_to(self.request.user))
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "progress_reports__created_by",
                "evaluations__files",
                "close_applications__applied_by",
                "close_applications__reviewers",
            )
        return qs

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action not in ("list", "export"):
            return queryset
        params = ListingFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.filter_listings(queryset, dict(params.validated_data), self.request.user)

    @extend_schema(
        parameters=[ListingFilterSerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        """The list with the same filters, as an Excel workbook."""
        qs = self.filter_queryset(SupervisionListing.objects.visible_to(request.user))
        filename = f"listed-supervision-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(
            export_listings(qs), as_attachment=True, filename=filename, content_type=XLSX
        )

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        return selectors.decorate(list(page)) if page is not None else None

    def _detail(self, pk: int) -> dict[str, Any]:
        listing = (
            self.get_queryset()
            .prefetch_related(
                "progress_reports__created_by",
                "evaluations__files",
                "close_applications__applied_by",
                "close_applications__reviewers",
            )
            .get(pk=pk)
        )
        selectors.decorate([listing])
        return dict(ListingDetailSerializer(listing, context={"request": self.request}).data)

    @extend_schema(parameters=[ListingFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ListingDetailSerializer, 404: REFUSALS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object().pk))

    @extend_schema(
        request=ListingCreateSerializer,
        responses={201: ListingDetailSerializer, **REFUSALS},
    )
    def create(self, request: Request) -> Response:
        """List a major hazard (the district government of its region, the city office)."""
        serializer = ListingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        hazard = get_object_or_404(
            Hazard.objects.visible_to(request.user).select_related("enterprise"),
            pk=data.pop("hazard"),
        )
        user = acting_user(request)
        deny_unless(
            rules.may_list(user, hazard),
            _("Only the district government of the hazard's district or the city office lists it."),
        )
        with ledger_errors():
            listing = services.listing_create(actor=user, hazard=hazard, **data)
        return Response(self._detail(listing.pk), status=status.HTTP_201_CREATED)

    def _role(self, listing: SupervisionListing, move: str) -> None:
        user = acting_user(self.request)
        deny_unless(
            any(rules.acts_on_listing(user, listing, role) for role in MOVES[move].actors),
            _("Your organisation or role cannot take this step."),
        )

    @extend_schema(
        request=ListingTextSerializer, responses={200: ListingDetailSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """A progress report (the enterprise)."""
        listing = self.get_object()
        self._role(listing, "report_progress")
        serializer = ListingTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            services.progress_report(
                actor=acting_user(request), listing=listing, **serializer.validated_data
            )
        return Response(self._detail(listing.pk))

    @extend_schema(
        request={"multipart/form-data": EvaluationInputSerializer},
        responses={200: ListingDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evaluations(self, request: Request, pk: str | None = None) -> Response:
        """The evaluation of the treatment, with its report (the enterprise)."""
        listing = self.get_object()
        self._role(listing, "evaluate")
        serializer = EvaluationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file")
        with ledger_errors():
            services.evaluation_record(
                actor=acting_user(request), listing=listing, files=[upload], **data
            )
        return Response(self._detail(listing.pk))

    @extend_schema(
        request=ListingTextSerializer, responses={200: ListingDetailSerializer, **REFUSALS}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="apply-close",
        url_name="apply-close",
        parser_classes=[JSONParser, FormParser],
    )
    def apply_close(self, request: Request, pk: str | None = None) -> Response:
        """The principal's written application to close."""
        listing = self.get_object()
        self._role(listing, "apply_close")
        serializer = ListingTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            services.close_apply(
                actor=acting_user(request), listing=listing, **serializer.validated_data
            )
        return Response(self._detail(listing.pk))

    @extend_schema(
        request=ReviewInputSerializer, responses={200: ListingDetailSerializer, **REFUSALS}
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """The on-site review by at least two officials of the issuing office."""
        listing = self.get_object()
        verdict = request.data.get("verdict") if hasattr(request.data, "get") else None
        self._role(listing, VERDICT_MOVES.get(str(verdict), "review_close"))
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with ledger_errors():
            services.close_review(
                actor=acting_user(request), listing=listing, **serializer.validated_data
            )
        return Response(self._detail(listing.pk))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def notice(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The 督办通知书 as a PDF."""
        listing = self.get_object()
        return pdf.pdf_response(pdf.notice_pdf(listing), f"督办通知书-{listing.number}.pdf")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>[0-9]+)", url_name="file")
    def file(self, request: Request, pk: str | None = None, file_id: str = "") -> Any:
        """An evaluation report file."""
        listing = self.get_object()
        stored = EvaluationFile.objects.filter(evaluation__listing=listing, pk=file_id).first()
        if stored is None:
            raise NotFound(_("This listing has no such file."))
        return stored_file_response(
            stored.file, filename=stored.original_name, content_type=stored.content_type
        )


class PublicListingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Listed supervision as the public sees it (no login): ``?q=`` searches."""

    serializer_class = PublicListingSerializer
    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = PortalPagination

    def get_queryset(self) -> QuerySet[SupervisionListing]:
        return selectors.public_listings(str(self.request.query_params.get("q", "")).strip()[:100])


routes: list = [
    ("hazard-major-reports", MajorReportViewSet, "api-hazard-major-report"),
    ("hazard-treatment-plans", TreatmentPlanViewSet, "api-hazard-treatment-plan"),
    ("hazard-listings", ListingViewSet, "api-hazard-listing"),
    ("public-hazard-listings", PublicListingViewSet, "api-public-hazard-listing"),
]
