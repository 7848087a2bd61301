"""The user's own notifications (the bell), newest first.

Only the recipient sees or marks a notification; there is no scope beyond
that, so another user's notification is simply not there.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.base import PortalAPIMixin, RejectUnknownFieldsMixin
from portal.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "text", "url", "created_at", "read_at", "unread"]

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Only notifications not yet read.")
    )


class MarkReadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("The notifications to mark read; leave out to mark all."),
    )


def notifications_mark_read(user, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or the given ones)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@extend_schema_view(list=extend_schema(parameters=[NotificationFilterSerializer]))
class NotificationViewSet(PortalAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The user's own notifications, newest first."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    def filter_queryset(self, queryset):
        params = NotificationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        if params.validated_data.get("unread"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(
        request=MarkReadSerializer,
        responses=inline_serializer(
            "NotificationsMarked",
            fields={"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
        ),
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark all unread notifications read, or the ones named by ``ids``."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        if ids is not None:
            unknown = sorted(
                set(ids) - set(self.get_queryset().filter(pk__in=ids).values_list("pk", flat=True))
            )
            if unknown:
                raise serializers.ValidationError(
                    {
                        "ids": [
                            _("You have no notifications with these ids: %(ids)s.")
                            % {"ids": ", ".join(map(str, unknown))}
                        ]
                    }
                )
        marked = notifications_mark_read(request.user, ids)
        unread = self.get_queryset().filter(read_at__isnull=True).count()
        return Response({"marked": marked, "unread": unread})
