"""The statistics pages: each table with its filters, every number linking to the
records behind it (enterprises, certificates, applications, hazards, accidents …),
and both as xlsx. Bad filters: the page
with the message and no figures (status 400)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from enterprises.models import Enterprise
from portal import permissions
from portal.db_router import reads_from_replica
from portal.models import Organisation, User
from portal.models import OrganisationKind as Kind
from reporting.statistics import exports, figures, grades, kept, options, paging, reviews
from reporting.statistics.filters import (
    TABLE_DIMENSIONS,
    FilterError,
    Filters,
    default_dimension,
    dimensions_of,
    may_read,
    parse_filters,
)

TITLES = {
    "compliance": gettext_lazy("Standardization compliance"),
    "reviews": gettext_lazy("Review work"),
    "certificates": gettext_lazy("Certificate dynamics"),
    "hazards": gettext_lazy("Hazards and self-reports"),
    "accidents": gettext_lazy("Accidents"),
}
DIMENSION_LABELS = {
    "district": gettext_lazy("District"),
    "street": gettext_lazy("Street or town"),
    "industry": gettext_lazy("Industry"),
    "scale": gettext_lazy("Scale"),
    "grade": gettext_lazy("Grade"),
    "review_unit": gettext_lazy("Review unit"),
}
PAGE_SIZE = 50


def drill_url(
    table_name: str, filters: Filters, measure: str, key: str = "", count: int | None = None
) -> str:
    """The records behind a number; ``count``: the number, which the list shows
    instead of counting the records again (paging.py)."""
    extra = {filters.dimension: key} if key else {}
    query = filters.query(**extra, measure=measure)
    if count is not None:
        query["n"] = str(count)
    return reverse(f"statistics:{table_name}_records") + "?" + urlencode(query)


def with_links(table_name: str, filters: Filters, rows: list[dict[str, Any]], total) -> None:
    """Each cell's drill_url, built as drill_url builds it but with the path and
    the row's query encoded once per row: a district's table has some 700 cells;
    and each row's ``html``, its ``<tr>``."""
    path = reverse(f"statistics:{table_name}_records") + "?"
    measures = [
        (m.name, urlencode({"measure": m.name}), not m.aggregate)
        for m in figures.TABLES[table_name]
    ]
    for row in (*rows, total):
        key = row["key"]
        query = urlencode(filters.query(**({filters.dimension: key} if key else {})))
        prefix = path + query + "&" if query else path
        links = {}
        for name, measure, counted in measures:
            url = prefix + measure
            if counted and row[name] is not None:
                url += f"&n={row[name]}"
            links[name] = url
        row["links"] = links
        row["html"] = _row_html(row, links)


def _row_html(row: dict[str, Any], links: dict[str, str]) -> SafeString:
    """A row as one string, escaped here: the template language spends more on a
    district's 700 cells than the query does. Measure names and urlencoded
    queries need no escaping beyond the ``&`` of the links."""
    cells = [
        f'<td class="text-end"><a href="{url.replace("&", "&amp;")}" data-measure="{name}">'
        f"{_text(row[name])}</a></td>"
        for name, url in links.items()
    ]
    cells.extend(
        f'<td class="text-end" data-measure="{name}">{_text(value)}</td>'
        for name, value in row.get("rates", {}).items()
    )
    return SafeString(
        f'<tr data-testid="row" data-key="{escape(row["key"])}"><td>{escape(row["label"])}</td>'
        + "".join(cells)
        + "</tr>"
    )


def _text(value: Any) -> str:
    if value is None:
        return "—"
    return str(value) if isinstance(value, int) else escape(value)


def _user(request: HttpRequest) -> User:
    permissions.require(may_read(request.user))
    return request.user  # type: ignore[return-value]


def _choices(user: User, table_name: str, values: Any) -> dict[str, Any]:
    """The filter form's options as ``<option>`` tags: the places in the user's
    scope from the cache (options.py), the review units live (the review table
    only, whose figures take far longer than one small query)."""
    org = user.organisation
    assert org is not None  # may_read: an active organisation
    units = (
        Organisation.objects.filter(kind=Kind.REVIEW_UNIT)
        .order_by("name")
        .values_list("pk", "name")
        if table_name in TABLE_DIMENSIONS["review_unit"]
        else None
    )
    return {
        **options.place_options(org, values),
        "scale_options": options.option_tags(Enterprise.Scale.choices, values.get("scale", "")),
        "grade_options": options.option_tags(
            ((grade, grades.label(grade)) for grade in (*grades.ORDER, grades.NONE)),
            values.get("grade", ""),
        ),
        "unit_options": (
            None if units is None else options.option_tags(units, values.get("review_unit", ""))
        ),
        "dimension_options": options.option_tags(
            ((d, DIMENSION_LABELS[d]) for d in dimensions_of(table_name)),
            values.get("dimension") or default_dimension(user),
        ),
    }


@login_required
@require_GET
@reads_from_replica()
def table_page(request: HttpRequest, table_name: str) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {
        "table_name": table_name,
        "title": TITLES[table_name],
        "measures": figures.TABLES[table_name],
        "rates": figures.RATES.get(table_name, ()),
        "tables": list(TITLES.items()),
        "values": request.GET,
        **_choices(user, table_name, request.GET),
    }
    try:
        filters = parse_filters(user, request.GET, table=table_name)
    except FilterError as error:
        context["error"] = str(error)
        return render(request, "reporting/statistics/table.html", context, status=400)
    rows, total = kept.table(table_name, user, filters)
    with_links(table_name, filters, rows, total)
    context.update(
        filters=filters,
        rows=rows,
        total=total,
        dimension_label=DIMENSION_LABELS[filters.dimension],
        steps=reviews.steps(user, filters) if table_name == "reviews" else None,
        export_url=reverse(f"statistics:{table_name}_export") + "?" + urlencode(filters.query()),
    )
    return render(request, "reporting/statistics/table.html", context)


@login_required
@require_GET
@reads_from_replica()
def records_page(request: HttpRequest, table_name: str) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {"table_name": table_name, "title": TITLES[table_name]}
    try:
        filters = parse_filters(user, request.GET, table=table_name)
        measure = figures.measure(table_name, request.GET.get("measure", ""))
        if measure is None:
            raise FilterError(
                _("Unknown figure: %(value)s.") % {"value": request.GET.get("measure")}
            )
    except FilterError as error:
        context["error"] = str(error)
        return render(request, "reporting/statistics/records.html", context, status=400)
    records = figures.records(table_name, measure.name, user, filters)
    page = paging.page_of(records, PAGE_SIZE, request.GET.get("page"), request.GET.get("n"))
    query = filters.query(measure=measure.name)
    export_query = dict(query)
    count = paging.given_count(request.GET.get("n"))
    if count is not None:
        query["n"] = str(count)
    listing = figures.LISTINGS.get(measure.kind)
    names = [column.name for column in listing.columns] if listing else []
    context.update(
        measure=measure,
        kind=measure.kind,
        page=page,
        listing=listing,
        items=(
            [
                (listing.enterprise_of(row), list(zip(names, listing.cells(row), strict=True)))
                for row in page
            ]
            if listing
            else None
        ),
        query=urlencode(query),
        table_url=reverse(f"statistics:{table_name}") + "?" + urlencode(filters.query()),
        export_url=reverse(f"statistics:{table_name}_records_export")
        + "?"
        + urlencode(export_query),
    )
    return render(request, "reporting/statistics/records.html", context)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
@reads_from_replica()
def table_export(request: HttpRequest, table_name: str) -> HttpResponseBase:
    user = _user(request)
    try:
        filters = parse_filters(user, request.GET, table=table_name)
    except FilterError as error:
        return _bad_request(request, str(error))
    rows, total = kept.table(table_name, user, filters)
    steps = reviews.steps(user, filters) if table_name == "reviews" else None
    return FileResponse(
        exports.table_workbook(table_name, str(TITLES[table_name]), rows, total, steps),
        as_attachment=True,
        filename=f"statistics-{table_name}-{filters.period.code}.xlsx",
        content_type=exports.XLSX,
    )


@login_required
@require_GET
@reads_from_replica()
def records_export(request: HttpRequest, table_name: str) -> HttpResponseBase:
    user = _user(request)
    try:
        filters = parse_filters(user, request.GET, table=table_name)
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
