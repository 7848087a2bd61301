"""The audit log page: entries read as sentences (portal/audit.py ``readable``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date

from portal import audit, permissions
from portal.models import AuditEvent


@login_required
def audit_log(request):
    permissions.require(permissions.can_view_audit_log(request.user))
    qs = AuditEvent.objects.visible_to(request.user).select_related("actor", "organisation")
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("action", "actor", "organisation", "object_type", "object_id", "since", "until")
    }
    if filters["action"]:
        qs = qs.filter(action__startswith=filters["action"])
    if filters["actor"]:
        qs = qs.filter(actor__username__icontains=filters["actor"])
    if filters["organisation"]:
        qs = qs.filter(organisation__name__icontains=filters["organisation"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        qs = qs.filter(object_id=filters["object_id"])
    if since := parse_date(filters["since"] or ""):
        qs = qs.filter(created_at__date__gte=since)
    if until := parse_date(filters["until"] or ""):
        qs = qs.filter(created_at__date__lte=until)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(
        request,
        "portal/audit_log.html",
        {
            "page": page,
            "entries": [audit.readable(event) for event in page],
            "filters": filters,
            "query_string": urlencode({key: value for key, value in filters.items() if value}),
            "actions": sorted(
                ((action, audit.action_label(action)) for action in actions),
                key=lambda pair: pair[1],
            ),
        },
    )
