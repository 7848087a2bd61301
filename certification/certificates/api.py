"""API of the certificate files (certification/certificates/rendering.py), mounted
under /api/v1/ by portal/api_urls.py (``urlpatterns``; no router routes).

- ``GET certificates/<id>/pdf/`` and ``certificates/<id>/plaque/``: the
  certificate and plaque PDFs, for the enterprise itself, its group, its
  district, the organiser and the city office (views_certificates.
  download_scope). Others who see the certificate in the registry: 403;
  anyone else: 404; not rendered yet: 404 saying so.
- ``GET announcements/<id>/pdfs/``: the rendering progress of an
  announcement (done of total, the failures with their error), for those
  who see the announcement, with the renders stalled (pending too long,
  queued again by a periodic task); ``POST announcements/<id>/pdfs/retry/``:
  the organiser renders again what failed (202).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from certification.api_errors import workflow_errors
from certification.certificates import rendering as certificate_pdf
from certification.certificates.views import certificate_file_response, certificate_for_download
from certification.models import AnnouncementBatch
from certification.publicity import rules as publicity
from portal.api.base import PortalAPIMixin, deny_unless

OVERSEERS_ONLY = gettext_lazy(
    "Only districts, organising units and the city office see the announcements."
)


class FailureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    error = serializers.CharField(source="render_error")


class ProgressSerializer(serializers.ModelSerializer):
    total = serializers.IntegerField(source="pdfs_total")
    done = serializers.IntegerField(source="pdfs_done")
    failed = serializers.IntegerField(source="pdfs_failed")
    stalled = serializers.IntegerField(
        source="pdfs_stalled",
        help_text=gettext_lazy(
            "Renders pending for longer than RENDER_STALLED_AFTER_SECONDS (their worker "
            "stopped); they are queued again within minutes."
        ),
    )
    failures = serializers.SerializerMethodField()

    class Meta:
        model = AnnouncementBatch
        fields = ["id", "title", "total", "done", "failed", "stalled", "failures"]

    @extend_schema(responses=FailureSerializer(many=True))
    def get_failures(self, announcement: AnnouncementBatch) -> list:
        rows = (
            announcement.certificates.filter(rendered_at__isnull=True)
            .exclude(render_error="")
            .order_by("number")
        )
        # A ListSerializer's data is a ReturnList; the stubs say ReturnDict.
        return FailureSerializer(rows, many=True).data  # type: ignore[return-value]


class CertificateFileView(PortalAPIMixin, APIView):
    kind = "pdf"

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            403: OpenApiResponse(
                description=gettext_lazy("You see the certificate but not its files.")
            ),
            404: OpenApiResponse(
                description=gettext_lazy("Not in your scope, or not rendered yet.")
            ),
        }
    )
    def get(self, request, pk: int):
        """The certificate's PDF (or its plaque)."""
        certificate = certificate_for_download(request.user, pk)
        try:
            return certificate_file_response(certificate, self.kind)
        except Http404 as error:
            return Response(
                {"detail": str(error) or "Not found."}, status=status.HTTP_404_NOT_FOUND
            )


class CertificatePlaqueView(CertificateFileView):
    kind = "plaque"


def _announcement(request, pk: int) -> AnnouncementBatch:
    deny_unless(publicity.oversees(request.user), str(OVERSEERS_ONLY))
    return get_object_or_404(publicity.announcements_visible_to(request.user), pk=pk)


class AnnouncementPdfsView(PortalAPIMixin, APIView):
    serializer_class = ProgressSerializer

    def get(self, request, pk: int):
        """How far the rendering of the announcement's certificates is."""
        return Response(ProgressSerializer(_announcement(request, pk)).data)


class AnnouncementPdfsRetryView(PortalAPIMixin, APIView):
    serializer_class = ProgressSerializer

    @extend_schema(request=None, responses={202: ProgressSerializer})
    def post(self, request, pk: int):
        """Render again the certificates that failed or are still missing."""
        announcement = _announcement(request, pk)
        with workflow_errors():
            certificate_pdf.retry_failed(actor=request.user, announcement=announcement)
        announcement.refresh_from_db()
        return Response(ProgressSerializer(announcement).data, status=status.HTTP_202_ACCEPTED)


routes: list = []
urlpatterns: list = [
    path("certificates/<int:pk>/pdf/", CertificateFileView.as_view(), name="api-certificate-pdf"),
    path(
        "certificates/<int:pk>/plaque/",
        CertificatePlaqueView.as_view(),
        name="api-certificate-plaque",
    ),
    path(
        "announcements/<int:pk>/pdfs/", AnnouncementPdfsView.as_view(), name="api-announcement-pdfs"
    ),
    path(
        "announcements/<int:pk>/pdfs/retry/",
        AnnouncementPdfsRetryView.as_view(),
        name="api-announcement-pdfs-retry",
    ),
]
