"""The 督办通知书 (notice of listed supervision) as a PDF, rendered with
WeasyPrint from templates/hazards/supervision/notice_pdf.html.

The HTML carries its own stylesheet and names the CJK faces installed on the
machine ("Noto Serif CJK SC", Debian fonts-noto-cjk; "WenQuanYi Micro Hei" as
fallback), so nothing is fetched: the URL fetcher refuses every URL, and text a
user typed can never make the server read a file or reach the network. A
notice is one page, rendered when asked for (well under a second).
"""

from __future__ import annotations

import datetime
import urllib.parse
from typing import Any, NoReturn

from django.http import HttpResponse
from django.template.loader import render_to_string

from hazards.models import SupervisionListing
from portal.pdf_lock import PDF_LOCK


class RefusedURL(ValueError):
    """The notice asked for a resource; it has none of its own."""


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise RefusedURL(f"refused: {url[:200]}")


def _date_text(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# The notice is an official document in Chinese whatever the reader's language.
LEVEL_TEXT = {"city": "市级", "district": "区级"}
SUSPENSION_TEXT = {"full": "全部停产停业", "partial": "局部停产停业", "none": "无"}


def notice_pdf(listing: SupervisionListing) -> bytes:
    from weasyprint import HTML

    hazard = listing.hazard
    html = render_to_string(
        "hazards/supervision/notice_pdf.html",
        {
            "listing": listing,
            "hazard": hazard,
            "enterprise": hazard.enterprise,
            "listed_text": _date_text(listing.listed_on),
            "deadline_text": _date_text(listing.deadline),
            "found_text": _date_text(hazard.found_on),
            "level_text": LEVEL_TEXT.get(listing.level, listing.level),
            "suspension_text": SUSPENSION_TEXT.get(listing.suspension, listing.suspension),
        },
    )
    with PDF_LOCK:
        document = HTML(string=html, base_url="about:blank", url_fetcher=_refuse)
        data: bytes = document.write_pdf()
    return data


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    quoted = urllib.parse.quote(filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quoted}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
