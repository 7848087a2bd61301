"""Dashboard pages beside the home page: two districts compared (the city office) and
the enterprises without a live certificate behind the dashboards' counts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal import permissions
from portal.db_router import reads_from_replica
from portal.models import OrganisationKind as Kind
from portal.models import Region, User
from reporting.dashboards import city, local
from reporting.statistics import exports, figures
from reporting.statistics.filters import may_read

PAGE_SIZE = 50


def may_compare(user: Any) -> bool:
    return permissions.acts_for(user, Kind.CITY_OFFICE)


def compare_regions(a: str, b: str) -> tuple[Region, Region]:
    """The two districts named by their codes, or a ValueError saying what is wrong."""
    if not a or not b:
        raise ValueError(_("Choose two districts."))
    found = {r.pk: r for r in Region.objects.filter(pk__in=[a, b])}
    for code in (a, b):
        if code not in found:
            raise ValueError(_("Unknown district code: %(value)s.") % {"value": code[:20]})
    if a == b:
        raise ValueError(_("Choose two different districts."))
    return found[a], found[b]


@login_required
@require_GET
@reads_from_replica()
def compare(request: HttpRequest) -> HttpResponse:
    permissions.require(may_compare(request.user))
    user: User = request.user  # type: ignore[assignment]
    a, b = (request.GET.get(k, "").strip() for k in ("a", "b"))
    context: dict[str, Any] = {"a": a, "b": b, "regions": Region.objects.order_by("code")}
    if not a and not b:
        return render(request, "reporting/dashboards/compare.html", context)
    try:
        first, second = compare_regions(a, b)
    except ValueError as error:
        context["error"] = str(error)
        return render(request, "reporting/dashboards/compare.html", context, status=400)
    context.update(city.compare(user, first, second))
    return render(request, "reporting/dashboards/compare.html", context)


def _reader(request: HttpRequest) -> User:
    permissions.require(may_read(request.user))
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
@reads_from_replica()
def uncertified(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    page = Paginator(local.uncertified(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reporting/dashboards/uncertified.html", {"page": page})


@login_required
@require_GET
@reads_from_replica()
def uncertified_export(request: HttpRequest) -> FileResponse:
    user = _reader(request)
    items = local.uncertified(user).iterator(chunk_size=2000)
    return FileResponse(
        exports.records_workbook(
            figures.ENTERPRISE, _("Enterprises without a live certificate"), items
        ),
        as_attachment=True,
        filename="enterprises-without-live-certificate.xlsx",
        content_type=exports.XLSX,
    )
