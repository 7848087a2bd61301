"""In-app notifications: one row per recipient user, and how each user wants
them by e-mail (at once, or in one daily digest)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When it went out by e-mail (at once or in a digest); empty: still to go
    # in the next daily digest.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The header's bell counts a user's unread notifications on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # The daily digest reads what has not been e-mailed yet.
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unmailed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    """A user's choice of e-mail; a user without one gets the daily digest."""

    class Email(models.TextChoices):
        DAILY = "daily", _("One e-mail a day with everything new")
        IMMEDIATE = "immediate", _("One e-mail for each notification")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.DAILY)
    # The day of the last digest sent: at most one digest per user per day,
    # however often the job runs.
    digest_sent_on = models.DateField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"
