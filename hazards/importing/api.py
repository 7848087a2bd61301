"""The ledger's Excel import over the API (mounted from hazards/enforcement/api.py):

- ``GET hazard-imports/template/?enterprise=<id>``: the template;
- ``POST hazard-imports/check/`` (multipart: file, enterprise): the dry run, 200 with
  every row's problems (row, column, message in the user's language); nothing written;
- ``POST hazard-imports/`` (same): the import, 201 when every row was recorded, 400
  with the problems and nothing written otherwise.

An enterprise's users may leave ``enterprise`` out; its group and district name it.
Outside the scope 400 (as for recording a hazard); no right to record, 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from hazards.exporting import XLSX
from hazards.importing.service import import_ledger, may_import
from hazards.importing.template import build_template
from hazards.ledger_api import ledger_errors
from portal.api.base import IdField, PortalAPIMixin, acting_user, deny_unless


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    enterprise = IdField(
        required=False,
        help_text=gettext_lazy("Enterprise id; an enterprise's own users may leave it out."),
    )


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    closed = serializers.IntegerField()
    problems = ImportProblemSerializer(many=True)


def _enterprise(request: Request, enterprise_id: Any) -> Enterprise:
    user = acting_user(request)
    visible = enterprises_visible_to(user, Enterprise.objects.all())
    if enterprise_id in (None, ""):
        enterprise = visible.filter(account_id=user.organisation_id).first()
    else:
        enterprise = (
            visible.filter(pk=enterprise_id).first() if str(enterprise_id).isdigit() else None
        )
    if enterprise is None:
        raise serializers.ValidationError({"enterprise": [_("Name an enterprise in your scope.")]})
    deny_unless(
        may_import(user, enterprise),
        _("Your organisation cannot record hazards for this enterprise."),
    )
    return enterprise


class HazardImportViewSet(PortalAPIMixin, viewsets.ViewSet):
    """The Excel import of an existing hazard ledger: template, dry run, import."""

    parser_classes = [MultiPartParser, FormParser]

    def _run(self, request: Request, *, dry_run: bool) -> Response:
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = _enterprise(request, serializer.validated_data.get("enterprise"))
        with ledger_errors():
            result = import_ledger(
                actor=acting_user(request),
                enterprise=enterprise,
                upload=serializer.validated_data["file"],
                dry_run=dry_run,
            )
        code: int = status.HTTP_200_OK
        if not dry_run:
            code = status.HTTP_201_CREATED if result.ok else status.HTTP_400_BAD_REQUEST
        return Response(result.as_dict(), status=code)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportResultSerializer, 400: ImportResultSerializer},
    )
    def create(self, request: Request) -> Response:
        """Import every row, or none when any row has a problem."""
        return self._run(request, dry_run=False)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={200: ImportResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def check(self, request: Request) -> Response:
        """The dry run: every row's problems; nothing is written."""
        return self._run(request, dry_run=True)

    @extend_schema(
        parameters=[OpenApiParameter("enterprise", int, required=False)],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def template(self, request: Request) -> HttpResponse:
        """The template to fill in, with the valid values for the enterprise."""
        enterprise = _enterprise(request, request.query_params.get("enterprise"))
        response = HttpResponse(build_template(enterprise), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="hazard-ledger-template.xlsx"'
        return response
