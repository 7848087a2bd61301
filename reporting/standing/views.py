"""The officials' pages: the warning list (/standing/warnings/) and the supervision
tiers (/standing/tiers/), each with filters and an xlsx export, for the city office,
districts, street offices and regulators in their own scope (others: 403); the feed
clients (/standing/feed-clients/), for the city office only: create (the token is
shown on the answer page, once) and revoke."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from portal import permissions
from portal.errors import ServiceError
from portal.models import Region
from portal.xlsx import append_row
from reporting.standing import selectors, tiers, warnings
from reporting.standing.feeds import clients
from reporting.standing.models import FeedClient, FeedRequest, Standing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("q", "district", "rule", "state", "tier")
# The feed clients' page shows the trail's newest requests.
RECENT_REQUESTS = 30


def _reader(request: HttpRequest) -> Any:
    permissions.require(selectors.may_see(request.user))
    return request.user


def _query(request: HttpRequest) -> str:
    return urlencode({key: request.GET[key] for key in FILTERS if request.GET.get(key)})


def _xlsx(name: str, headings: list[str], rows: Any) -> FileResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(name[:31])
    append_row(sheet, headings)
    for row in rows:
        append_row(sheet, row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{name}-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX,
    )


@login_required
@require_GET
def warning_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    context: dict[str, Any] = {
        "values": request.GET,
        "rules": [(name, rule.label) for name, rule in warnings.RULES.items()],
        "regions": selectors.regions_for(user),
    }
    try:
        qs = selectors.warning_entries(user, request.GET)
    except selectors.FilterError as error:
        context["error"] = str(error)
        return render(request, "reporting/standing/warnings.html", context, status=400)
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query(request)
    context.update(
        page=page,
        rows=[selectors.warning_row(entry) for entry in page],
        query=query,
        export_query=query,
    )
    return render(request, "reporting/standing/warnings.html", context)


def _export(
    request: HttpRequest, select: Any, cells: Any, name: str, headings: list[str]
) -> HttpResponseBase:
    """The filtered rows of a list as xlsx (bad filters: 400 with the message)."""
    user = _reader(request)
    try:
        qs = select(user, request.GET)
    except selectors.FilterError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return _xlsx(name, headings, (cells(row) for row in qs.iterator(chunk_size=2000)))


def _warning_cells(entry: Any) -> list[Any]:
    row = selectors.warning_row(entry)
    return [
        row["enterprise"],
        row["uscc"],
        row["district"],
        row["rule_label"],
        row["reason"],
        row["opened_on"],
        row["closed_on"],
        row["close_reason"],
    ]


@login_required
@require_GET
def warning_export(request: HttpRequest) -> HttpResponseBase:
    headings = [
        _("Enterprise"),
        _("USCC"),
        _("District"),
        _("Rule"),
        _("Reason"),
        _("Listed on"),
        _("Removed on"),
        _("Why removed"),
    ]
    return _export(request, selectors.warning_entries, _warning_cells, "warning-list", headings)


@login_required
@require_GET
def tier_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    context: dict[str, Any] = {
        "values": request.GET,
        "tiers": [(value, label, tiers.frequency(value)) for value, label in Standing.Tier.choices],
        "regions": selectors.regions_for(user),
        "last_run": tiers.last_run(),
    }
    try:
        qs = selectors.tier_rows(user, request.GET)
    except selectors.FilterError as error:
        context["error"] = str(error)
        return render(request, "reporting/standing/tiers.html", context, status=400)
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.tier_counts(user)
    context.update(
        page=page,
        rows=[selectors.tier_row(row) for row in page],
        query=_query(request),
        counts=[(value, tiers.label_for(value), counts[value]) for value in tiers.TIER_ORDER],
    )
    return render(request, "reporting/standing/tiers.html", context)


def _tier_cells(standing: Any) -> list[Any]:
    row = selectors.tier_row(standing)
    return [
        row["enterprise"],
        row["uscc"],
        row["district"],
        row["street"],
        row["tier_label"],
        row["inspections_per_year"],
        row["points"],
        "; ".join(f"{r['text']} ({r['points']:+d})" for r in row["reasons"]),
        row["since"],
    ]


@login_required
@require_GET
def tier_export(request: HttpRequest) -> HttpResponseBase:
    headings = [
        _("Enterprise"),
        _("USCC"),
        _("District"),
        _("Street or town"),
        _("Supervision tier"),
        _("Inspections a year"),
        _("Points"),
        _("Reasons"),
        _("Since"),
    ]
    return _export(request, selectors.tier_rows, _tier_cells, "supervision-tiers", headings)


class FeedClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FeedClient.Kind.choices)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=FeedClient.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        Region.objects.order_by("code"),
        label=gettext_lazy("Districts (none: the whole city)"),
        required=False,
    )
    rate_limit = forms.CharField(label=gettext_lazy("Rate limit"), max_length=20, initial="60/min")


def _manager(request: HttpRequest) -> Any:
    permissions.require(selectors.may_manage_feeds(request.user))
    return request.user


def _clients() -> Any:
    return (
        FeedClient.objects.prefetch_related("regions")
        .annotate(request_count=Count("requests"))
        .order_by("revoked_at", "name", "id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def feed_clients(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = FeedClientForm(request.POST or None)
    token = ""
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, token = clients.create_client(actor=user, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(error.field, error.message)
        if token:
            form = FeedClientForm()
        else:
            status = 400
    response = render(
        request,
        "reporting/standing/feed_clients.html",
        {
            "form": form,
            "clients": _clients(),
            "token": token,
            "created": created,
            "recent": FeedRequest.objects.select_related("client")[:RECENT_REQUESTS],
        },
        status=status,
    )
    # The token is on this page only: no cache keeps a copy.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def feed_client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    client = get_object_or_404(FeedClient, pk=pk)
    try:
        clients.revoke_client(actor=user, client=client)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(name)s is revoked: its token no longer opens the feed.") % {"name": client},
        )
    return redirect("standing:feed_clients")
