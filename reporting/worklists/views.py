"""The worklist pages: every list's size with a link (/worklists/), one list
(/worklists/<kind>/) with search, filters, pages and an xlsx export, and the
escalations that reached the user's office (/worklists/escalated/). Offices
without worklists: 403; an unknown list: 404; bad filters: the message, status 400."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal import permissions
from portal.models import User
from reporting.worklists import exports, registry, selectors
from reporting.worklists.registry import Worklist


def _user(request: HttpRequest) -> User:
    permissions.require(registry.may_see(request.user))
    return request.user  # type: ignore[return-value]


def _worklist(kind: str) -> Worklist:
    found = selectors.worklist_named(kind)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "reporting/worklists/index.html",
        {
            # The same numbers as the dashboard's, kept as long (each list counts afresh).
            "counts": registry.dashboard_counts(user),
            "escalated_count": selectors.escalations_to(user).count(),
        },
    )


@login_required
@require_GET
def worklist_page(request: HttpRequest, kind: str) -> HttpResponse:
    user = _user(request)
    worklist = _worklist(kind)
    context: dict[str, Any] = {
        "worklist": worklist,
        "values": request.GET,
        **selectors.choices(user, request.GET.get("district", "")),
    }
    try:
        filters = selectors.parse(user, request.GET)
    except selectors.FilterError as error:
        context["error"] = str(error)
        return render(request, "reporting/worklists/list.html", context, status=400)
    today = timezone.localdate()
    page = Paginator(
        selectors.filtered(worklist, user, filters, today), selectors.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = urlencode(filters.query())
    context.update(
        page=page,
        rows=[selectors.shape(worklist, row, today) for row in page],
        query=query,
        export_url=reverse("worklists:export", args=[worklist.name])
        + (f"?{query}" if query else ""),
    )
    return render(request, "reporting/worklists/list.html", context)


@login_required
@require_GET
def worklist_export(request: HttpRequest, kind: str) -> HttpResponseBase:
    user = _user(request)
    worklist = _worklist(kind)
    try:
        filters = selectors.parse(user, request.GET)
    except selectors.FilterError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    today = timezone.localdate()
    rows = selectors.filtered(worklist, user, filters, today).iterator(chunk_size=2000)
    return FileResponse(
        exports.workbook(worklist, (selectors.shape(worklist, row, today) for row in rows)),
        as_attachment=True,
        filename=f"worklist-{worklist.name}-{today:%Y%m%d}.xlsx",
        content_type=exports.XLSX,
    )


@login_required
@require_GET
def escalated(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.escalations_to(user), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reporting/worklists/escalated.html",
        {"page": page, "rows": selectors.escalation_rows(user, page)},
    )
