"""The public registry of certified enterprises (no login): every certificate
valid today, with what the announcement published anyway (enterprise,
grade, industry, district, number, validity). Never contact data or scores.
Two queries a page (the count and the rows)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from certification.models import Certificate
from certification.workflow import tier_label
from portal.models import Region

PER_PAGE = 30


def certified_enterprises(*, today, q: str = "", region: str = ""):
    """Certificates in force on ``today``: valid status, not past their end."""
    certificates = Certificate.objects.filter(
        status=Certificate.Status.VALID, valid_from__lte=today, valid_until__gte=today
    ).select_related("enterprise__region", "industry")
    if q:
        certificates = certificates.filter(
            Q(enterprise__name__icontains=q) | Q(number__icontains=q) | Q(enterprise__uscc=q)
        )
    if region:
        certificates = certificates.filter(enterprise__region_id=region)
    return certificates.order_by("enterprise__name", "number")


def certified_list(request):
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()[:100]
    regions = list(Region.objects.order_by("code"))
    region = request.GET.get("region", "")
    if region not in {r.code for r in regions}:
        region = ""
    page = Paginator(certified_enterprises(today=today, q=q, region=region), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for certificate in page:
        certificate.tier_label = tier_label(certificate.tier)
    params = urlencode({key: value for key, value in (("q", q), ("region", region)) if value})
    return render(
        request,
        "public/certified_list.html",
        {
            "page": page,
            "q": q,
            "region": region,
            "regions": regions,
            "today": today,
            "params": params,
        },
    )
