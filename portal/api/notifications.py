"""The user's own notifications (the bell), newest first; ``grouped/`` gives
them per day and per application as the page does, ``preference/`` reads and
sets how they come by e-mail (daily digest or one each, and in which
language). A notification's ``text`` is in the request's language.

Only the recipient sees or marks a notification; there is no scope beyond
that, so another user's notification is simply not there.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import notify
from portal.api.base import PortalAPIMixin, RejectUnknownFieldsMixin
from portal.errors import ServiceError
from portal.models import Notification
from portal.models.notifications import NotificationPreference


class NotificationSerializer(serializers.ModelSerializer):
    # In the request's language (Accept-Language), whoever caused it.
    text = serializers.CharField(source="render", read_only=True)
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


class PreferenceSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    email = serializers.ChoiceField(
        choices=NotificationPreference.Email.choices,
        required=False,
        help_text=gettext_lazy("daily: one digest e-mail a day; immediate: one per notification."),
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=gettext_lazy("The language of the e-mails; left out, it stays as it was."),
    )


class ThreadSerializer(serializers.Serializer):
    url = serializers.CharField()
    unread = serializers.IntegerField()
    notifications = NotificationSerializer(many=True, source="items")


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    threads = ThreadSerializer(many=True)


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

    @extend_schema(parameters=[NotificationFilterSerializer], responses=DaySerializer(many=True))
    @action(detail=False, methods=["get"])
    def grouped(self, request):
        """The page of notifications grouped as the bell's page shows them: per
        day, then per application (link), newest first."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        days = notify.group_by_day(page if page is not None else self.get_queryset())
        return self.get_paginated_response(DaySerializer(days, many=True).data)

    @extend_schema(methods=["GET"], responses=PreferenceSerializer)
    @extend_schema(methods=["PUT"], request=PreferenceSerializer, responses=PreferenceSerializer)
    @action(detail=False, methods=["get", "put"])
    def preference(self, request):
        """How the user gets notifications by e-mail: ``daily`` (one digest a
        day, the default) or ``immediate`` (one per notification), and in which
        ``language``; a PUT changes what it gives."""
        if request.method == "PUT":
            body = PreferenceSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            try:
                notify.set_email_preference(
                    user=request.user,
                    choice=body.validated_data.get("email"),
                    language=body.validated_data.get("language"),
                )
            except ServiceError as error:
                raise serializers.ValidationError(
                    {error.field or "email": [error.message]}
                ) from None
        return Response(
            {
                "email": notify.email_preference(request.user),
                "language": notify.language_preference(request.user),
            }
        )
