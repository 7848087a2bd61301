"""The token endpoint and the current user."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal import login_throttle, tokens
from portal.api.base import (
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
)
from portal.clients import client_ip
from portal.models import Organisation, User

# --------------------------------------------------------------------------
# Token and current user


class TokenRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenView(APIView):
    """Exchange a username and password for an API token (POST), or revoke
    the caller's token (DELETE). A token is valid for API_TOKEN_TTL_HOURS and
    ends when its user logs out of the pages.

    Repeated failures for one username from one address are refused with
    429 for ``LOGIN_FAILURE_WINDOW_SECONDS``, as on the login page.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Besides the per-username lock: a cap per client address, against
    # trying many usernames.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Normalised as the login page's form does (full-width letters are the
        # same name), so both doors count and authenticate the same account.
        username = unicodedata.normalize("NFKC", serializer.validated_data["username"])
        ip = client_ip(request)
        if login_throttle.is_locked(username, ip):
            message = _("Too many failed logins. Try again in %(minutes)d minutes.") % {
                "minutes": login_throttle.lock_minutes()
            }
            return Response(
                {"detail": message},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(settings.LOGIN_FAILURE_WINDOW_SECONDS)},
            )
        # ModelBackend refuses inactive users, so they get the same answer
        # as a wrong password.
        user = authenticate(
            request, username=username, password=serializer.validated_data["password"]
        )
        if user is None:
            login_throttle.record_failure(username, ip)
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        _("The username or password is wrong, or the account is deactivated.")
                    ]
                }
            )
        login_throttle.clear(username, ip)
        return Response({"token": tokens.issue(user).key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the caller's token (it stops working at once)."""
        tokens.revoke(request.user, reason="revoked")
        return Response(status=status.HTTP_204_NO_CONTENT)

    # POST is how one gets credentials; DELETE needs them.
    def get_authenticators(self):
        if getattr(self.request, "method", None) == "DELETE":
            return [auth() for auth in PortalAPIMixin.authentication_classes]
        return []

    def get_permissions(self):
        if getattr(self.request, "method", None) == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_throttles(self):
        return super().get_throttles() if getattr(self.request, "method", None) == "POST" else []


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "status", "status_reason"]


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name")
    organisation = OrganisationBriefSerializer(allow_null=True)
    can_act = serializers.BooleanField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "role",
            "can_act",
            "organisation",
        ]
        read_only_fields = fields


class MeView(APIView):
    """The current user, their organisation and role; also for users whose
    organisation is still pending (``can_act`` is then false)."""

    authentication_classes = PortalAPIMixin.authentication_classes
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
