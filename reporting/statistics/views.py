"""The statistics pages: each table with its filters, every number linking to the
enterprises or certificates behind it, and both as xlsx. Bad filters: the page
with the message and no figures (status 400)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from enterprises.models import Enterprise
from portal import permissions
from portal.models import Industry, Region, Street, User
from reporting.statistics import exports, figures
from reporting.statistics.filters import FilterError, Filters, may_read, parse_filters

TITLES = {
    "compliance": gettext_lazy("Standardization compliance"),
    "certificates": gettext_lazy("Certificate dynamics"),
}
DIMENSION_LABELS = {
    "district": gettext_lazy("District"),
    "street": gettext_lazy("Street or town"),
    "industry": gettext_lazy("Industry"),
    "scale": gettext_lazy("Scale"),
}
PAGE_SIZE = 50


def drill_url(table_name: str, filters: Filters, measure: str, key: str = "") -> str:
    extra = {filters.dimension: key} if key else {}
    query = filters.query(**extra, measure=measure)
    return reverse(f"statistics:{table_name}_records") + "?" + urlencode(query)


def with_links(table_name: str, filters: Filters, rows: list[dict[str, Any]], total) -> None:
    for row in (*rows, total):
        row["links"] = {
            m.name: drill_url(table_name, filters, m.name, row["key"])
            for m in figures.TABLES[table_name]
        }
        row["cells"] = [
            {"name": name, "value": row[name], "url": url} for name, url in row["links"].items()
        ]


def _user(request: HttpRequest) -> User:
    permissions.require(may_read(request.user))
    return request.user  # type: ignore[return-value]


def _choices(user: User) -> dict[str, Any]:
    """The filter form's options, in the user's scope (three small queries)."""
    org = user.organisation
    assert org is not None  # may_read: an active organisation
    regions = Region.objects.all()
    streets = Street.objects.select_related("region")
    if org.region_id and org.kind in ("district", "street"):
        regions = regions.filter(pk=org.region_id)
        streets = streets.filter(region_id=org.region_id)
    if org.street_id:
        streets = streets.filter(pk=org.street_id)
    return {
        "regions": regions,
        "streets": streets,
        "industries": Industry.objects.all(),
        "scales": Enterprise.Scale.choices,
        "dimensions": list(DIMENSION_LABELS.items()),
    }


@login_required
@require_GET
def table_page(request: HttpRequest, table_name: str) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {
        "table_name": table_name,
        "title": TITLES[table_name],
        "measures": figures.TABLES[table_name],
        "values": request.GET,
        **_choices(user),
    }
    try:
        filters = parse_filters(user, request.GET)
    except FilterError as error:
        context["error"] = str(error)
        return render(request, "reporting/statistics/table.html", context, status=400)
    rows, total = figures.table(table_name, user, filters)
    with_links(table_name, filters, rows, total)
    context.update(
        filters=filters,
        rows=rows,
        total=total,
        dimension_label=DIMENSION_LABELS[filters.dimension],
        export_url=reverse(f"statistics:{table_name}_export") + "?" + urlencode(filters.query()),
    )
    return render(request, "reporting/statistics/table.html", context)


@login_required
@require_GET
def records_page(request: HttpRequest, table_name: str) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {"table_name": table_name, "title": TITLES[table_name]}
    try:
        filters = parse_filters(user, request.GET)
        measure = figures.measure(table_name, request.GET.get("measure", ""))
        if measure is None:
            raise FilterError(
                _("Unknown figure: %(value)s.") % {"value": request.GET.get("measure")}
            )
    except FilterError as error:
        context["error"] = str(error)
        return render(request, "reporting/statistics/records.html", context, status=400)
    page = Paginator(figures.records(table_name, measure.name, user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = filters.query(measure=measure.name)
    context.update(
        measure=measure,
        kind=measure.kind,
        page=page,
        query=urlencode(query),
        table_url=reverse(f"statistics:{table_name}") + "?" + urlencode(filters.query()),
        export_url=reverse(f"statistics:{table_name}_records_export") + "?" + urlencode(query),
    )
    return render(request, "reporting/statistics/records.html", context)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def table_export(request: HttpRequest, table_name: str) -> HttpResponseBase:
    user = _user(request)
    try:
        filters = parse_filters(user, request.GET)
    except FilterError as error:
        return _bad_request(request, str(error))
    rows, total = figures.table(table_name, user, filters)
    return FileResponse(
        exports.table_workbook(table_name, str(TITLES[table_name]), rows, total),
        as_attachment=True,
        filename=f"statistics-{table_name}-{filters.period.code}.xlsx",
        content_type=exports.XLSX,
    )


@login_required
@require_GET
def records_export(request: HttpRequest, table_name: str) -> HttpResponseBase:
    user = _user(request)
    try:
        filters = parse_filters(user, request.GET)
    except FilterError as error:
        return _bad_request(request, str(error))
    measure = figures.measure(table_name, request.GET.get("measure", ""))
    if measure is None:
        return _bad_request(
            request, _("Unknown figure: %(value)s.") % {"value": request.GET.get("measure", "")}
        )
    items = figures.records(table_name, measure.name, user, filters).iterator(chunk_size=2000)
    return FileResponse(
        exports.records_workbook(measure.kind, str(measure.label), items),
        as_attachment=True,
        filename=f"statistics-{table_name}-{measure.name}.xlsx",
        content_type=exports.XLSX,
    )
