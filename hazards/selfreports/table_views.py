"""The district → city quarterly tables: the list (a district its own, the city
office all) with the request form, one table, its xlsx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hazards.errors import HazardForbidden
from hazards.models import PeriodKind, QuarterlyTable
from hazards.selfreports import tables
from hazards.selfreports.forms import TableRequestForm
from hazards.selfreports.periods import last_ended
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind as Kind
from portal.models import Region, User

TABLE_KINDS = (Kind.DISTRICT, Kind.CITY_OFFICE)


def _get_table(request: HttpRequest, pk: int) -> QuarterlyTable:
    permissions.require(permissions.acts_for(request.user, *TABLE_KINDS))
    return permissions.get_visible_or_404(
        QuarterlyTable.objects.select_related("region", "requested_by"), request.user, pk=pk
    )


@login_required
def table_list(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.acts_for(request.user, *TABLE_KINDS))
    user: User = request.user  # type: ignore[assignment]
    org = user.organisation
    assert org is not None
    last = last_ended(PeriodKind.QUARTER, timezone.localdate())
    form = TableRequestForm(
        request.POST or None,
        initial={"year": last.year, "quarter": last.number, "region": org.region_id or ""},
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["region"] if org.kind == Kind.CITY_OFFICE else org.region_id
        region = Region.objects.filter(pk=code or "").first()
        if region is None:
            form.add_error("region", _("Choose a district."))
        else:
            try:
                table = tables.table_request(
                    actor=user,
                    region=region,
                    year=form.cleaned_data["year"],
                    quarter=form.cleaned_data["quarter"],
                )
            except HazardForbidden:
                raise PermissionDenied from None
            except ServiceError as error:  # a frozen table too
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The table is being generated."))
                return redirect("hazards:selfreports:table", pk=table.pk)
    qs = QuarterlyTable.objects.visible_to(user).select_related("region")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/selfreports/tables.html",
        {
            "page": page,
            "params": "",
            "form": form,
            "regions": Region.objects.all() if org.kind == Kind.CITY_OFFICE else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    table = _get_table(request, pk)
    return render(
        request,
        "hazards/selfreports/table.html",
        {
            "table": table,
            "labels": tables.column_labels(),
            "lines": list(tables.table_lines(table)) if table.status == "frozen" else [],
        },
    )


@login_required
@require_GET
def table_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    table = _get_table(request, pk)
    if table.status != QuarterlyTable.Status.FROZEN:
        from django.http import Http404

        raise Http404(_("The table is still being generated."))
    return FileResponse(
        tables.table_workbook(table),
        as_attachment=True,
        filename=f"hazards-{table.region_id}-{table.year}Q{table.quarter}.xlsx",
        content_type=tables.XLSX,
    )
