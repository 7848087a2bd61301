"""The notification list behind the bell: one user's own notifications only,
grouped per day and per application, and the user's e-mail preference."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import notify
from portal.errors import ServiceError
from portal.models import Notification
from portal.models.notifications import NotificationPreference


@login_required
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notifications.html",
        {
            "page": page,
            "days": notify.group_by_day(page),
            "unread_only": unread_only,
            "params": "unread=1" if unread_only else "",
            "email_choices": NotificationPreference.Email.choices,
            "email_choice": notify.email_preference(request.user),
            "language_choices": settings.LANGUAGES,
            "language_choice": notify.language_preference(request.user),
        },
    )


@login_required
@require_POST
def notification_preference(request):
    """How the user wants notifications by e-mail: a daily digest or each one,
    and in which language."""
    try:
        notify.set_email_preference(
            user=request.user,
            choice=request.POST.get("email", ""),
            language=request.POST.get("language"),  # a form without it keeps the language
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your e-mail preference is saved."))
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one read; with ``open`` go on to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    # The page shows an application's news as one line: reading it reads them all.
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    if notification.url:
        unread.filter(url=notification.url).update(read_at=timezone.now())
    else:
        unread.filter(pk=notification.pk).update(read_at=timezone.now())
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications")
