"""Pages of the Excel import and the export of the registry."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.exporting import export_enterprises
from enterprises.importing.forms import ImportUploadForm
from enterprises.importing.requests import import_job_commit, import_job_create
from enterprises.importing.template import build_template
from enterprises.models_import import ImportJob
from enterprises.views import filtered_enterprises
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_PER_PAGE = 100


@login_required
def import_page(request):
    permissions.require(permissions.can_import_enterprises(request.user))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=request.user, upload=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect("enterprises:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(organisation_id=request.user.organisation_id).select_related(
        "created_by"
    )[:20]
    return render(
        request,
        "enterprises/import.html",
        {
            "form": form,
            "jobs": jobs,
            "max_bytes": settings.ENTERPRISE_IMPORT_MAX_BYTES,
        },
    )


@login_required
def import_template(request):
    permissions.require(permissions.can_import_enterprises(request.user))
    org = request.user.organisation
    region = org.region if org.kind == OrganisationKind.DISTRICT else None
    response = HttpResponse(build_template(region=region), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, _("enterprise-import-template") + ".xlsx"
    )
    return response


def _job_for(request, pk) -> ImportJob:
    return permissions.get_visible_or_404(
        ImportJob.objects.select_related("created_by", "committed_by", "organisation"),
        request.user,
        pk=pk,
    )


def _may_commit(user, job: ImportJob) -> bool:
    return permissions.can_import_enterprises(user) and job.organisation_id == user.organisation_id


@login_required
def import_job(request, pk):
    job = _job_for(request, pk)
    problems = Paginator(job.errors, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    template = (
        "enterprises/import_job_status.html" if request.htmx else "enterprises/import_job.html"
    )
    return render(
        request,
        template,
        {
            "job": job,
            "page": problems,
            "may_commit": _may_commit(request.user, job),
        },
    )


@login_required
@require_POST
def import_job_commit_view(request, pk):
    job = _job_for(request, pk)
    permissions.require(_may_commit(request.user, job))
    try:
        import_job_commit(actor=request.user, job=job)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("enterprises:import_job", pk=job.pk)


@login_required
def export(request):
    """The registry list as filtered on its page, in the import template's columns."""
    permissions.require(permissions.can_export_enterprises(request.user))
    output = export_enterprises(filtered_enterprises(request.user, request.GET))
    filename = f"enterprises-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)
