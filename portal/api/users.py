"""Users of one's own organisation: list, invite, (de)activate."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import permissions, services
from portal.api.base import (
    NoBodySerializer,
    PortalAPIMixin,
    RejectUnknownFieldsMixin,
    acting_user,
    deny_unless,
    service_errors,
)
from portal.models import User

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
            target.organisation_id == acting_user(self.request).organisation_id,
            _("You can only manage the users of your own organisation."),
        )
        NoBodySerializer(data=self.request.data).is_valid(raise_exception=True)
        with service_errors():
            user = services.user_set_active(
                actor=acting_user(self.request), user=target, active=active
            )
        return Response(UserSerializer(user).data)
