"""Read-only pages of the major-hazard catalogues (重大事故隐患判定标准): the catalogues
and their versions, and one version's items with a search box and group/section filters.
Every logged-in user may read them: they are published regulations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from hazards.models import CatalogueVersion, HazardCatalogue
from hazards.selectors import catalogue_items

ITEMS_PER_PAGE = 50


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    versions = CatalogueVersion.objects.annotate(item_count=Count("items")).order_by(
        "-effective_date"
    )
    catalogues = HazardCatalogue.objects.prefetch_related(
        "industries", Prefetch("versions", queryset=versions)
    )
    return render(request, "hazards/catalogue_list.html", {"catalogues": catalogues})


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(
        CatalogueVersion.objects.select_related("catalogue").prefetch_related(
            "catalogue__industries"
        ),
        pk=pk,
    )
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "group", "section")}
    items = version.items.order_by("order", "pk")
    # In the regulation's order, as first met.
    groups = list(dict.fromkeys(items.values_list("group", flat=True)))
    sections = list(dict.fromkeys(items.exclude(section="").values_list("section", flat=True)))
    page = Paginator(catalogue_items(items, **filters), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "hazards/catalogue_version.html",
        {
            "version": version,
            "page": page,
            "filters": filters,
            "groups": groups,
            "sections": sections,
            "query_string": urlencode({key: value for key, value in filters.items() if value}),
        },
    )
