"""Public verification API (no login), mounted under /api/v1/ by
portal/api_urls.py (``urlpatterns``; no router ``routes``).

- ``POST public/verify/`` ``{"payload": "<QR payload>"}``: the statement
  (valid / expiring_soon / expired / suspended / revoked) and the
  certificate's public fields; counts one check. 400 with a message and a
  ``reason`` (malformed, tampered, foreign_key, unknown_certificate) when the
  payload proves nothing.
- ``GET public/verify/?number=…`` or ``?uscc=…``: the certificates matching
  exactly, with their statements; limited per client address (429).
- ``GET public/verify/public-key/``: the Ed25519 public key (PEM) and its key
  id, to check printed certificates offline (format: certification/certificates/signing.py).
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certification.certificates import signing as verify
from certification.certificates.numbers import normalise_certificate_number
from portal.clients import client_ip
from portal.parsers import JSONParser


class VerifiedCertificateSerializer(serializers.Serializer):
    number = serializers.CharField()
    enterprise = serializers.CharField()
    uscc = serializers.CharField()
    tier = serializers.CharField()
    tier_display = serializers.CharField()
    industry = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.CharField()
    issued_by = serializers.CharField()


class VerifyStatementSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[
            verify.State.VALID,
            verify.State.EXPIRING,
            verify.State.EXPIRED,
            verify.State.SUSPENDED,
            verify.State.REVOKED,
        ]
    )
    # The serializer's metaclass moves declared fields out of the class, so this
    # never shadows Field.label; the stubs see only the class attribute.
    label = serializers.CharField()  # type: ignore[assignment]
    explanation = serializers.CharField()
    days_left = serializers.IntegerField(allow_null=True)
    outdated = serializers.ListField(child=serializers.CharField())
    outdated_message = serializers.CharField(allow_blank=True)


class SignedDataSerializer(serializers.Serializer):
    number = serializers.CharField()
    uscc = serializers.CharField()
    tier = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    key_id = serializers.CharField()


class PayloadSerializer(serializers.Serializer):
    payload = serializers.CharField(max_length=verify.MAX_PAYLOAD_CHARS * 2, trim_whitespace=True)


def _statement_data(statement: verify.Statement) -> dict:
    return {
        "state": statement.state,
        "label": statement.label,
        "explanation": statement.explanation,
        "days_left": statement.days_left,
        "outdated": list(statement.outdated),
        "outdated_message": statement.outdated_message,
    }


def _entry(certificate, today, signed=None) -> dict:
    return {
        "statement": _statement_data(verify.statement(certificate, today, signed=signed)),
        "certificate": VerifiedCertificateSerializer(verify.public_fields(certificate)).data,
    }


VerifyResult = inline_serializer(
    "VerifyResult",
    {
        "statement": VerifyStatementSerializer(),
        "certificate": VerifiedCertificateSerializer(),
        "signed": SignedDataSerializer(),
    },
)
LookupResult = inline_serializer(
    "LookupResult",
    {
        "results": inline_serializer(
            "LookupEntry",
            {
                "statement": VerifyStatementSerializer(),
                "certificate": VerifiedCertificateSerializer(),
            },
            many=True,
        )
    },
)


class PublicVerifyView(APIView):
    """Verify a certificate: its QR payload (POST) or its number or USCC (GET)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request=PayloadSerializer,
        responses={
            200: VerifyResult,
            400: OpenApiResponse(
                description="The payload is malformed, altered, signed by "
                "another key or names no certificate on record."
            ),
        },
    )
    def post(self, request):
        serializer = PayloadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            verified = verify.verify_payload(serializer.validated_data["payload"])
        except verify.PayloadError as error:
            return Response(
                {"payload": [str(error.message)], "reason": error.code},
                status=status.HTTP_400_BAD_REQUEST,
            )
        verify.record_check(verified.certificate)
        data = _entry(verified.certificate, timezone.localdate(), signed=verified)
        data["signed"] = SignedDataSerializer(verified).data
        return Response(data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "number",
                str,
                description="Certificate number; typed forms are accepted "
                "(III or 3 for Ⅲ, full-width or lower-case letters, spaces).",
            ),
            OpenApiParameter("uscc", str, description="Unified social credit code (exact)."),
        ],
        responses={
            200: LookupResult,
            400: OpenApiResponse(description="Neither number nor uscc given."),
            429: OpenApiResponse(description="Too many lookups from this address."),
        },
    )
    def get(self, request):
        number = normalise_certificate_number(request.query_params.get("number", "")[:60])
        uscc = request.query_params.get("uscc", "").strip()[:18]
        if not number and not uscc:
            return Response(
                {"detail": _("Give a certificate number or a unified social credit code.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            verify.count_lookup(client_ip(request))
        except verify.LookupThrottled as error:
            return Response(
                {"detail": str(error.message)}, status=status.HTTP_429_TOO_MANY_REQUESTS
            )
        today = timezone.localdate()
        return Response(
            {
                "results": [
                    _entry(certificate, today)
                    for certificate in verify.lookup(number=number, uscc=uscc)
                ]
            }
        )


class PublicKeyView(APIView):
    """The public key that signs certificate QR payloads."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: inline_serializer(
                "PublicKey",
                {
                    "algorithm": serializers.CharField(),
                    "key_id": serializers.CharField(),
                    "pem": serializers.CharField(),
                },
            )
        }
    )
    def get(self, request):
        keys = verify.keys()
        return Response({"algorithm": "Ed25519", "key_id": keys.key_id, "pem": keys.public_pem})


routes: list = []
urlpatterns: list = [
    path("public/verify/", PublicVerifyView.as_view(), name="api-public-verify"),
    path("public/verify/public-key/", PublicKeyView.as_view(), name="api-public-verify-key"),
]
