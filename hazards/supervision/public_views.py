"""The public list of listed supervision (挂牌督办), no login: the listing and
its closing are public (16号令, "一单四制" 通报制). Only the listing number, the
enterprise's name, a summary of the hazard, the issuer, the level, the dates
and the status: never who reported a tip-off, nor any internal id."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hazards.supervision.selectors import public_listings

PER_PAGE = 20


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(public_listings(q), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/supervision/public_list.html",
        {"page": page, "q": q, "params": urlencode({"q": q}) if q else ""},
    )
