"""Target pages: the list, a target's progress for the reader's scope with the
enterprises not there yet (the work list, exportable), and the city office's form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import permissions
from portal.errors import ServiceError
from reporting.models import Target
from reporting.snapshots import trends
from reporting.targets import export, selectors, services
from reporting.targets.forms import TargetForm

PAGE_SIZE = 50


def _target(request: HttpRequest, pk: int) -> Target:
    permissions.require(selectors.may_read(request.user))
    return get_object_or_404(
        Target.objects.prefetch_related("industries", "regions", "allocations", "stages"), pk=pk
    )


@login_required
@require_GET
def target_list(request: HttpRequest) -> HttpResponse:
    permissions.require(selectors.may_read(request.user))
    retired = request.GET.get("retired") == "1"
    return render(
        request,
        "reporting/targets/list.html",
        {
            "targets": selectors.targets_for(request.user, retired=retired),  # type: ignore[arg-type]
            "retired": retired,
            "may_manage": selectors.may_manage(request.user),
        },
    )


@login_required
@require_GET
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    user: Any = request.user
    search = request.GET.get("q", "").strip()[:100]
    rows = selectors.not_reached(target, user, search=search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/targets/detail.html",
        {
            "target": target,
            "progress": selectors.progress(target, user),
            "trend": trends.target_series(user, target),
            "page": page,
            "q": search,
            "may_manage": selectors.may_manage(user),
        },
    )


@login_required
@require_GET
def target_export(request: HttpRequest, pk: int) -> FileResponse:
    target = _target(request, pk)
    search = request.GET.get("q", "").strip()[:100]
    rows = selectors.not_reached(target, request.user, search=search)  # type: ignore[arg-type]
    return FileResponse(
        export.not_reached_workbook(target, rows),
        as_attachment=True,
        filename=export.filename(target),
        content_type=export.XLSX,
    )


def _save(request: HttpRequest, target: Target | None) -> HttpResponse:
    permissions.require(selectors.may_manage(request.user))
    initial = TargetForm.initial_of(target) if target else None
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                target = services.target_create(actor=request.user, data=form.to_input())  # type: ignore[arg-type]
            else:
                services.target_update(actor=request.user, target=target, data=form.to_input())  # type: ignore[arg-type]
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Target saved."))
            return redirect("targets:detail", pk=target.pk)
    return render(request, "reporting/targets/form.html", {"form": form, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def target_new(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(selectors.may_manage(request.user))  # before the lookup
    return _save(request, _target(request, pk))


@login_required
@require_POST
def target_retire(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(selectors.may_manage(request.user))  # before the lookup
    target = _target(request, pk)
    try:
        services.target_retire(actor=request.user, target=target)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Target retired."))
    return redirect("targets:detail", pk=target.pk)
