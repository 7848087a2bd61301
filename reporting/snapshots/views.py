"""The trends page: one metric of the snapshots over the last periods for the
reader's scope (or one it may read), as a table and as xlsx. Bad input: the page with
the message (400); a scope the reader may not read: 404."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from portal import permissions
from portal.models import Organisation, Region, Street
from portal.models import OrganisationKind as OrgKind
from portal.xlsx import append_row
from reporting.snapshots import compute, periods, trends
from reporting.statistics.filters import may_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_LABELS = {
    periods.DAY: gettext_lazy("Day"),
    periods.MONTH: gettext_lazy("Month"),
    periods.QUARTER: gettext_lazy("Quarter"),
    periods.YEAR: gettext_lazy("Year"),
}


def scope_choices(user: Any) -> list[tuple[str, str]]:
    """The scopes the reader may pick (value "" is its own)."""
    org = user.organisation
    choices: list[tuple[str, str]] = [("", _("My area"))]
    if org.kind == OrgKind.CITY_OFFICE:
        choices += [(f"district:{r.pk}", r.display_name) for r in Region.objects.all()]
        choices += [
            (f"regulator:{o.pk}", o.name)
            for o in Organisation.objects.filter(
                kind=OrgKind.REGULATOR, status=Organisation.Status.ACTIVE
            ).order_by("name")
        ]
    elif org.kind == OrgKind.DISTRICT:
        choices += [
            (f"street:{s.code}", s.display_name)
            for s in Street.objects.filter(region_id=org.region_id)
        ]
    return choices


def read(user: Any, data: Any) -> dict[str, Any]:
    """The series asked for by ``data`` (a QueryDict); TrendError or PermissionDenied."""
    metric = str(data.get("metric") or "compliance.rate").strip()
    period_kind = str(data.get("period") or periods.MONTH).strip()
    raw_count = str(data.get("count") or "12").strip()
    if not raw_count.isdigit():
        raise trends.TrendError(_("The count must be a whole number."))
    scope_text = str(data.get("scope") or "").strip()
    scope = trends.parse_scope(scope_text)
    rows = trends.series(user, metric, period_kind, int(raw_count), scope)
    ref = trends.resolve_scope(user, scope)
    return {
        "metric": metric,
        "label": trends.metric_label(metric),
        "period_kind": period_kind,
        "scope": ref.code,
        "count": int(raw_count),
        "series": rows,
    }


def workbook(data: dict[str, Any]) -> BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("trend")
    append_row(sheet, [data["label"], data["scope"]])
    append_row(sheet, [_("Period"), _("Value"), _("Final")])
    for row in data["series"]:
        append_row(sheet, [row["period"], row["value"], _("Yes") if row["frozen"] else ""])
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _user(request: HttpRequest) -> Any:
    permissions.require(may_read(request.user))
    return request.user


@login_required
@require_GET
def trend_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {
        "metrics": [(name, trends.metric_label(name)) for name in compute.metric_names()],
        "period_kinds": list(PERIOD_LABELS.items()),
        "scopes": scope_choices(user),
        "values": request.GET,
    }
    try:
        data = read(user, request.GET)
    except trends.TrendError as error:
        context["error"] = str(error)
        return render(request, "reporting/snapshots/trends.html", context, status=400)
    except PermissionDenied:
        raise Http404 from None
    context.update(
        data=data,
        export_url=reverse("snapshots:trends_export") + "?" + request.GET.urlencode(),
    )
    return render(request, "reporting/snapshots/trends.html", context)


@login_required
@require_GET
def trend_export(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    try:
        data = read(user, request.GET)
    except trends.TrendError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    except PermissionDenied:
        raise Http404 from None
    name = f"trend-{data['metric']}-{data['period_kind']}.xlsx"
    return FileResponse(workbook(data), as_attachment=True, filename=name, content_type=XLSX)
