"""REST API of the portal: token, current user, organisations, users, regions.

Conventions shared by every endpoint under /api/v1/ (enterprises/api.py
builds on them):

- Authentication: a token (``Authorization: Token <key>``, from
  ``POST /api/v1/auth/token/``) or the browser session. Without either the
  answer is **401** with ``WWW-Authenticate: Token`` (token authentication is
  listed first on purpose, so DRF answers 401 rather than 403).
- A user whose organisation is not active (pending, rejected, suspended)
  may fetch ``GET /api/v1/me/`` and nothing else: 403 everywhere else.
- Outside the user's scope (``visible_to``) an object is 404; inside it,
  without the right role, 403.
- A body with a field the endpoint does not declare is refused with 400
  naming the unknown fields, and nothing is written.
- Writes go through the services, which audit them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal import login_throttle, permissions, services
from portal.errors import ServiceError
from portal.middleware import client_ip
from portal.models import Industry, Organisation, Qualification, Region, Street, Tier, User

# --------------------------------------------------------------------------
# Shared building blocks


class RejectUnknownFieldsMixin:
    """Refuses a body that carries fields the serializer does not declare.

    DRF silently drops unknown keys, so a misspelt field ("adress") would
    look like a successful update that changed nothing. Checked in
    ``to_internal_value`` so that nested serializers are covered too; for
    the top level the data checked is ``self.initial_data``.

    For the same reason a read-only field is refused when its value differs
    from the current one; sent unchanged (a GET → PUT round trip) it passes.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                message = ngettext(
                    "Unknown field: %(unknown)s. Accepted fields: %(accepted)s.",
                    "Unknown fields: %(unknown)s. Accepted fields: %(accepted)s.",
                    len(unknown),
                ) % {"unknown": ", ".join(unknown), "accepted": ", ".join(self._writable())}
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
            read_only = [name for name in data if self.fields[name].read_only]
            if read_only:
                current = self.to_representation(self.instance) if self.instance else {}
                changed = sorted(
                    name for name in read_only if name not in current or current[name] != data[name]
                )
                if changed:
                    raise serializers.ValidationError(
                        {
                            name: [_("This field is read-only and cannot be changed here.")]
                            for name in changed
                        }
                    )
        return super().to_internal_value(data)

    def _writable(self) -> list[str]:
        return sorted(name for name, field in self.fields.items() if not field.read_only)


class NoBodySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """For actions that take no input: any field sent is unknown."""


class CanAct(BasePermission):
    """Only users of an active organisation may use the data endpoints."""

    message = gettext_lazy("Your organisation's account is not active.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user.is_authenticated and user.can_act:
            return True
        if user.is_authenticated and user.organisation_id:
            org = user.organisation
            self.message = _(
                "Your organisation's account is %(status)s: until it is active you can only "
                "read /api/v1/me/."
            ) % {"status": org.get_status_display().lower()}
        return False


class PortalPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class PortalAPIMixin:
    # Token first: an anonymous request then gets 401 + WWW-Authenticate.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, CanAct]
    pagination_class = PortalPagination


def deny_unless(allowed: bool, message: str) -> None:
    """Inside the scope but without the right role: 403 with a reason."""
    if not allowed:
        raise PermissionDenied(message)


@contextmanager
def service_errors(field_map: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turns a refusal of a service or of ``full_clean`` into a 400 answer,
    naming API fields where the model's field names differ."""
    field_map = field_map or {}
    try:
        yield
    except ServiceError as error:
        key = field_map.get(error.field, error.field) or api_settings.NON_FIELD_ERRORS_KEY
        raise serializers.ValidationError({key: [str(error.message)]}) from None
    except DjangoValidationError as error:
        detail = serializers.as_serializer_error(error)
        raise serializers.ValidationError(
            {field_map.get(key, key): value for key, value in detail.items()}
        ) from None


# --------------------------------------------------------------------------
# Token and current user


class TokenRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenView(APIView):
    """Exchange a username and password for an API token.

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
        username = serializer.validated_data["username"]
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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


# --------------------------------------------------------------------------
# Organisations


class QualificationSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all())
    tier = serializers.ChoiceField(choices=Tier.choices)


class OrganisationSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    industries = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Industry.objects.all(), required=False
    )
    qualifications = QualificationSerializer(many=True, required=False)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "status_reason",
            "region",
            "industries",
            "qualifications",
            "contact_name",
            "contact_phone",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_qualifications(self, value: list[dict]) -> list[tuple[Industry, str]]:
        pairs: dict[tuple[str, str], tuple[Industry, str]] = {}
        for item in value:
            pairs[(item["industry"].pk, item["tier"])] = (item["industry"], item["tier"])
        return list(pairs.values())


class OrganisationViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Organisations in the user's scope; the city office creates and edits them."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return (
            Organisation.objects.visible_to(self.request.user)
            .prefetch_related(
                "industries",
                Prefetch("qualifications", queryset=Qualification.objects.order_by("id")),
            )
            .order_by("kind", "name", "id")
        )

    def create(self, request):
        self._require_manager()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = self._save(Organisation(), serializer.validated_data)
        return Response(self.get_serializer(org).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        org = self.get_object()
        self._require_manager()
        serializer = self.get_serializer(org, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        org = self._save(org, serializer.validated_data)
        return Response(self.get_serializer(org).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def _require_manager(self) -> None:
        deny_unless(
            permissions.can_manage_organisations(self.request.user),
            _("Only the city safety committee office manages organisations."),
        )

    def _save(self, org: Organisation, data: dict) -> Organisation:
        data = dict(data)
        industries = data.pop("industries", None)
        qualifications = data.pop("qualifications", None)
        for name, value in data.items():
            setattr(org, name, value)
        with service_errors():
            org = services.organisation_save(
                actor=self.request.user,
                organisation=org,
                industries=industries,
                qualifications=qualifications,
            )
        # Re-read: the prefetched industries and qualifications are stale.
        return self.get_queryset().get(pk=org.pk)


# --------------------------------------------------------------------------
# Users of one's own organisation


class UserSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name")
    organisation_name = serializers.CharField(source="organisation.name", allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "role",
            "is_active",
            "organisation",
            "organisation_name",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields


class InviteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=User.Role.choices, default=User.Role.STAFF)


class InvitationSerializer(UserSerializer):
    invitation_path = serializers.CharField(read_only=True)
    invitation_url = serializers.CharField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "invitation_path", "invitation_url"]


class UserViewSet(
    PortalAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Everyone sees the users of their own organisation (the city office sees
    all); organisation admins invite, deactivate and reactivate their own."""

    serializer_class = UserSerializer

    def get_serializer_class(self):
        # The browsable API then offers the invitation form.
        return InviteSerializer if self.action == "create" else UserSerializer

    def get_queryset(self):
        return (
            User.objects.visible_to(self.request.user)
            .select_related("organisation")
            .order_by("username")
        )

    @extend_schema(request=InviteSerializer, responses={201: InvitationSerializer})
    def create(self, request):
        self._require_admin()
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            user, path = services.user_invite(
                actor=request.user,
                organisation=request.user.organisation,
                **serializer.validated_data,
            )
        user.invitation_path = path
        user.invitation_url = request.build_absolute_uri(path)
        return Response(InvitationSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._set_active(active=False)

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._set_active(active=True)

    def _require_admin(self) -> None:
        deny_unless(
            permissions.can_manage_staff(self.request.user),
            _("Only an admin of your organisation can do this."),
        )

    def _set_active(self, *, active: bool) -> Response:
        target = self.get_object()
        self._require_admin()
        # The city office sees every user but manages only its own staff.
        deny_unless(
            target.organisation_id == self.request.user.organisation_id,
            _("You can only manage the users of your own organisation."),
        )
        NoBodySerializer(data=self.request.data).is_valid(raise_exception=True)
        with service_errors():
            user = services.user_set_active(actor=self.request.user, user=target, active=active)
        return Response(UserSerializer(user).data)


# --------------------------------------------------------------------------
# Reference data: districts with their streets, industries


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "code", "name", "name_en", "kind", "region"]


class RegionSerializer(serializers.ModelSerializer):
    streets = StreetSerializer(many=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_en", "kind", "is_demonstration", "streets"]


class RegionViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Beijing's districts (and the development zone), each with its streets
    and towns. Reference data: not paginated."""

    serializer_class = RegionSerializer
    pagination_class = None
    queryset = Region.objects.prefetch_related(
        Prefetch("streets", queryset=Street.objects.order_by("code"))
    ).order_by("code")

    @extend_schema(responses=StreetSerializer(many=True))
    @action(detail=True, methods=["get"])
    def streets(self, request, pk=None):
        region = self.get_object()
        return Response(StreetSerializer(region.streets.all(), many=True).data)


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = [
            "code",
            "name",
            "name_en",
            "group",
            "gbt4754",
            "certificate_code",
            "requires_safety_licence",
        ]


class IndustryViewSet(PortalAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Industries of the seed document, mapped to GB/T 4754. Not paginated."""

    serializer_class = IndustrySerializer
    pagination_class = None
    queryset = Industry.objects.order_by("sort_order", "code")
