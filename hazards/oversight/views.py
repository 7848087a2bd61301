"""The officials' worklist page (hazards/oversight/selectors.py): counts at the top,
each linking to the ledger list filtered the same way; the overdue hazards, the open
major hazards with their report and plan, the listings needing attention, the counts
per district for the city office and the regulators, and the self-report filing status."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from hazards.models import PeriodKind
from hazards.oversight.selectors import last_quarter, may_see_worklist, worklist
from portal import permissions

# The ledger list's filters behind each count (hazards/views.py filter_hazards).
COUNT_FILTERS: dict[str, dict[str, str]] = {
    "open": {"open": "1"},
    "overdue": {"overdue": "1"},
    "major_open": {"grade": "major", "open": "1"},
    "major_overdue": {"grade": "major", "overdue": "1"},
    "listed": {"listed": "1"},
}


# The counts at the top of the page: (key, label); the last two link to the listings below.
CARDS = (
    ("open", _("Open hazards")),
    ("overdue", _("Overdue")),
    ("major_open", _("Open major")),
    ("major_overdue", _("Major overdue")),
    ("listed", _("Listed")),
    ("progress_overdue", _("Progress reports overdue")),
    ("reviews_due", _("Close reviews due")),
)


def ledger_url(**filters: str) -> str:
    return reverse("hazards:list") + "?" + urlencode(filters)


def count_links(district: str = "") -> dict[str, str]:
    """The ledger list's URL behind each count (for one district when given)."""
    extra = {"district": district} if district else {}
    return {key: ledger_url(**filters, **extra) for key, filters in COUNT_FILTERS.items()}


def self_report_status_url(data: dict[str, Any]) -> str:
    """The filing status of the last quarter's self-reports."""
    try:
        base = reverse("hazards:selfreports:status")
    except NoReverseMatch:  # the page is built beside this one
        base = "/hazards/self-reports/status/"
    year, quarter = last_quarter(data["today"])
    return (
        base + "?" + urlencode({"period_kind": PeriodKind.QUARTER, "year": year, "period": quarter})
    )


@login_required
@require_GET
def worklist_page(request: HttpRequest) -> HttpResponse:
    permissions.require(may_see_worklist(request.user))
    data = worklist(request.user)  # type: ignore[arg-type]
    for row in data["per_district"] or []:
        row["links"] = count_links(row["region"].pk)
    links = count_links()
    cards = [
        {
            "key": key,
            "label": label,
            "value": data["counts"][key],
            "url": links.get(key, "#listings"),
            "danger": key != "open" and data["counts"][key] > 0,
        }
        for key, label in CARDS
    ]
    return render(
        request,
        "hazards/oversight/worklist.html",
        {
            **data,
            "count_cards": cards,
            "links": links,
            "self_reports_url": self_report_status_url(data),
            "last_quarter": last_quarter(data["today"]),
        },
    )
