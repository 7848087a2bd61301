"""The filing status of a period for the offices that oversee enterprises: who must
report, who filed on time, late (迟报), not at all (未报), zero reports, forms
acknowledged and returned — counts and a paginated, filterable list, as a page,
an xlsx download and (hazards/selfreports/api.py) the API.

GET parameters: period_kind, year, period (the period; default the last ended
quarter), state (selectors.STATES), district (city office and regulators), street
(a street code), q (name or credit code), page."""

from __future__ import annotations

from io import BytesIO
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from enterprises.models import Enterprise
from hazards.models import PeriodKind, SelfReport
from hazards.selfreports import selectors
from hazards.selfreports.periods import Period, last_ended, period_of
from portal import permissions
from portal.errors import ServiceError
from portal.models import Organisation, Region, Street, User
from portal.models import OrganisationKind as Kind
from portal.xlsx import append_row

PER_PAGE = 50
STATUS_KINDS: tuple[str, ...] = (Kind.STREET, Kind.DISTRICT, Kind.REGULATOR, Kind.CITY_OFFICE)
DISTRICT_FILTER_KINDS: tuple[str, ...] = (Kind.REGULATOR, Kind.CITY_OFFICE)
STATE_LABELS = {
    "filed": gettext_lazy("Filed"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late (迟报)"),
    "missing": gettext_lazy("Not filed (未报)"),
    "zero": gettext_lazy("Zero reports"),
    "awaiting": gettext_lazy("Awaiting acknowledgement"),
    "acknowledged": gettext_lazy("Acknowledged (已签收)"),
    "returned": gettext_lazy("Returned (退回)"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_see_status(user: Any) -> bool:
    return permissions.acts_for(user, *STATUS_KINDS)


def parse(params: Any, kind: str) -> tuple[Period, dict[str, str], str]:
    """The period and filters from GET parameters; a bad period falls back to the
    last ended quarter with a message."""
    message = ""
    default = last_ended(PeriodKind.QUARTER, timezone.localdate())
    if params.get("period_kind") or params.get("year"):
        try:
            period = period_of(
                params.get("period_kind", PeriodKind.QUARTER),
                params.get("year") or default.year,
                params.get("period") or 0,
            )
        except ServiceError as error:
            period, message = default, str(error.message)
    else:
        period = default
    filters = {
        name: str(params.get(name, "")).strip()[:100]
        for name in ("state", "district", "street", "q")
    }
    if filters["state"] not in selectors.STATES:
        filters["state"] = ""
    if kind not in DISTRICT_FILTER_KINDS:
        filters["district"] = ""
    if kind == Kind.STREET:
        filters["street"] = ""
    return period, filters, message


def status_queryset(user: Any, period: Period, filters: dict[str, str]) -> QuerySet[Enterprise]:
    return selectors.filter_status(selectors.obligated(user, period), **filters)


def state_of(row: dict[str, Any]) -> str:
    status = row["rep__status"]
    if status in (None, SelfReport.Status.DRAFT):
        return str(STATE_LABELS["missing"])
    label = STATE_LABELS["late"] if row["rep__late"] else STATE_LABELS["on_time"]
    return f"{label} · {SelfReport.Status(status).label}"


def _organisation(request: HttpRequest) -> Organisation:
    """The organisation of a user allowed to see the status (403 otherwise)."""
    permissions.require(can_see_status(request.user))
    org = cast(User, request.user).organisation
    assert org is not None
    return org


@login_required
@require_GET
def filing_status(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    period, filters, message = parse(request.GET, org.kind)
    streets: list[Street] | None = None
    if org.kind == Kind.DISTRICT:
        streets = list(Street.objects.filter(region_id=org.region_id))
    elif org.kind in DISTRICT_FILTER_KINDS and filters["district"]:
        streets = list(Street.objects.filter(region_id=filters["district"]))
    qs = selectors.obligated(request.user, period)
    scoped = selectors.filter_status(qs, **{**filters, "state": ""})
    codes = {s.pk: s.code for s in streets or ()}
    # One district's active enterprises (not narrowed by name): counted without
    # joining them to their forms.
    district = org.region_id if org.kind == Kind.DISTRICT else filters["district"]
    if district and org.kind in (Kind.DISTRICT, Kind.CITY_OFFICE) and not filters["q"]:
        groups = selectors.district_status_groups(scoped, period, district, codes)
    else:
        groups = selectors.status_groups(scoped, codes)
    counts = selectors.totals(groups)
    rows = selectors.status_rows(selectors.filter_status(qs, **filters))
    key = filters["state"] or "total"
    paginator = Paginator(rows, PER_PAGE)
    paginator.count = counts[key]  # known from the counts: no COUNT over the district
    page = paginator.get_page(request.GET.get("page"))
    bottom = (page.number - 1) * PER_PAGE
    # Without a state filter the page's enterprises are picked before their forms
    # are joined: only those 50 forms are looked up, not their streets'.
    plain = None
    if not filters["state"]:
        plain = selectors.filter_status(
            selectors.obligated_enterprises(request.user, period), **filters
        )
    page.object_list = selectors.page_of_rows(rows, groups, key, bottom, bottom + PER_PAGE, plain)
    for row in page.object_list:
        row["state"] = state_of(row)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "hazards/selfreports/status.html",
        {
            "period": period,
            "due_on": period.due_on(),
            "overdue": timezone.localdate() > period.due_on(),
            "filters": filters,
            "message": message,
            "counts": counts,
            "rate": round(100 * counts["filed"] / counts["total"], 1) if counts["total"] else None,
            "states": [(key, STATE_LABELS[key], counts[key]) for key in selectors.STATES],
            "page": page,
            "params": params.urlencode(),
            "kinds": PeriodKind.choices,
            "districts": Region.objects.all() if org.kind in DISTRICT_FILTER_KINDS else None,
            "streets": streets,
        },
    )


def status_workbook(period: Period, rows: QuerySet[Any]) -> BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(period.key)
    append_row(
        sheet,
        [
            _("Enterprise"),
            _("Credit code"),
            _("District"),
            _("Street or town"),
            _("State"),
            _("Zero report"),
            _("Submitted at"),
            _("Version"),
        ],
    )
    for row in rows.iterator(chunk_size=2000):
        submitted = row["rep__submitted_at"]
        append_row(
            sheet,
            [
                row["name"],
                row["uscc"],
                row["region__name"],
                row["street__name"] or "",
                state_of(row),
                _("yes") if row["rep__zero_report"] else "",
                timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M") if submitted else "",
                row["rep__version"] or "",
            ],
        )
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


@login_required
@require_GET
def filing_status_export(request: HttpRequest) -> FileResponse:
    """The list as filtered on the page (every page), as xlsx."""
    org = _organisation(request)
    period, filters, _message = parse(request.GET, org.kind)
    rows = selectors.status_rows(status_queryset(request.user, period, filters))
    return FileResponse(
        status_workbook(period, rows),
        as_attachment=True,
        filename=f"self-reports-{period.key}.xlsx",
        content_type=XLSX,
    )
