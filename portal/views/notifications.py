"""The notification list behind the bell: one user's own notifications only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.models import Notification


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
            "unread_only": unread_only,
            "params": "unread=1" if unread_only else "",
        },
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one read; with ``open`` go on to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
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
