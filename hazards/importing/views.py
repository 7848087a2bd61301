"""The ledger import page: the template, a dry run listing each row's problems, and
the import, all or nothing. The enterprise's users import their own ledger; its
group and district choose the enterprise first."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from enterprises.models import Enterprise
from hazards.errors import HazardForbidden
from hazards.exporting import XLSX
from hazards.importing.forms import LedgerUploadForm
from hazards.importing.service import ImportResult, import_ledger
from hazards.importing.template import build_template
from hazards.views import can_use_ledger, recordable_enterprises
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind, User


def _enterprise(request: HttpRequest) -> Enterprise | None:
    """The enterprise whose ledger is imported: the user's own, or the one chosen."""
    user = cast(User, request.user)
    permissions.require(can_use_ledger(user))
    choices = recordable_enterprises(user)
    permissions.require(choices.exists())
    org = user.organisation
    if org is not None and org.kind == OrganisationKind.ENTERPRISE:
        return choices.first()
    chosen = request.POST.get("enterprise") or request.GET.get("enterprise", "")
    return choices.filter(pk=chosen).first() if chosen.isdigit() else None


def _choose(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    choices = recordable_enterprises(request.user)
    found = choices.filter(Q(name__icontains=q) | Q(uscc__icontains=q)) if q else choices
    return render(
        request,
        "hazards/enforcement/choose_enterprise.html",
        {"enterprises": found.order_by("name")[:20], "q": q, "title": _("Import a ledger")},
    )


@login_required
def ledger_import(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    if enterprise is None:
        return _choose(request)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("go") != "import"
        try:
            result = import_ledger(
                actor=cast(User, request.user),
                enterprise=enterprise,
                upload=form.cleaned_data["file"],
                dry_run=dry_run,
            )
        except HazardForbidden as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            form.add_error("file", error.message)
        else:
            if result.ok and not dry_run:
                messages.success(
                    request,
                    _("%(count)d hazards imported (%(closed)d of them closed).")
                    % {"count": result.created, "closed": result.closed},
                )
                return redirect("hazards:list")
    if form.errors or (result is not None and not result.ok):
        status = 400
    return render(
        request,
        "hazards/importing/import.html",
        {"form": form, "enterprise": enterprise, "result": result},
        status=status,
    )


@login_required
@require_GET
def ledger_template(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    if enterprise is None:
        return _choose(request)
    response = HttpResponse(build_template(enterprise), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="hazard-ledger-template.xlsx"'
    return response
