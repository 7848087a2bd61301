"""The city office's standards pages: the catalogue, uploads with a dry run,
a version's tree and users, publish and retire, Excel/YAML downloads.

Everyone else reads published standards through the assessment pages and
the API; these pages answer 403 to them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from portal import permissions
from portal.errors import ServiceError
from reviews.models import Assessment, Criterion, Element, Grading, Standard, StandardVersion
from reviews.standards import services as services_standards
from reviews.standards.files import (
    StandardFileError,
    build_workbook,
    dump_yaml,
    import_standard,
    parse_standard_file,
    plan_import,
    uploads,
    version_data,
)
from reviews.standards.files.service import MAX_BYTES, file_format

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTERPRISES_PER_PAGE = 25
MAX_PROBLEMS_SHOWN = 500


def _require_city_office(request) -> None:
    permissions.require(permissions.can_manage_organisations(request.user))


def _count_per_version(queryset, expression=None):
    """A correlated COUNT per version: one query for the whole list, and no
    join of criteria × assessments."""
    counted = (
        queryset.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(n=expression or Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def standard_list(request):
    _require_city_office(request)
    versions = StandardVersion.objects.annotate(
        criteria_count=_count_per_version(Criterion.objects),
        assessment_count=_count_per_version(Assessment.objects),
        enterprise_count=_count_per_version(Assessment.objects, Count("enterprise", distinct=True)),
    ).order_by("-effective_date", "-pk")
    standards = Standard.objects.prefetch_related(
        Prefetch("versions", queryset=versions), "industries"
    )
    return render(request, "reviews/standards/list.html", {"standards": standards})


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Standard file"),
        help_text=gettext_lazy("YAML (.yaml) or the Excel template (.xlsx)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if file_format(upload.name) is None:
            raise forms.ValidationError(
                _("Upload a standard file: YAML (.yaml, .yml) or the Excel template (.xlsx).")
            )
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


@login_required
def upload(request):
    """Step 1, the dry run: check the file and show what importing it would do."""
    _require_city_office(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "max_bytes": MAX_BYTES}
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        content = upload_file.read()
        try:
            parsed = parse_standard_file(filename=upload_file.name, content=content)
        except StandardFileError as error:
            context["problems"] = error.problems[:MAX_PROBLEMS_SHOWN]
            context["problem_count"] = len(error.problems)
            context["filename"] = upload_file.name
        else:
            context["parsed"] = parsed
            context["grading"] = Grading(parsed.data["grading"]).label
            context["regime"] = Standard.Regime(parsed.data["regime"]).label
            context["elements"] = _element_summary(parsed.data)
            try:
                context["plan"] = plan_import(parsed)
            except ServiceError as error:
                context["refusal"] = error.message
            else:
                uploads.stash(content, parsed.format)
    return render(request, "reviews/standards/upload.html", context)


def _element_summary(data: dict) -> list[dict]:
    rows = []
    for a in data.get("elements") or []:
        criteria = list(a.get("criteria") or [])
        for b in a.get("elements") or []:
            criteria += b.get("criteria") or []
        rows.append(
            {
                "code": a["code"],
                "name": a["name"],
                "b_count": len(a.get("elements") or []),
                "criteria": len(criteria),
                "points": sum(c["points"] for c in criteria),
            }
        )
    return rows


@login_required
@require_POST
def upload_confirm(request):
    """Step 2: import the file checked in step 1."""
    _require_city_office(request)
    sha256, fmt = request.POST.get("sha256", ""), request.POST.get("format", "")
    filename = request.POST.get("filename", "") or f"{sha256[:12]}.{fmt}"
    content = uploads.fetch(sha256, fmt)
    if content is None:
        messages.error(request, _("The checked file is no longer on the server; upload it again."))
        return redirect("standards:upload")
    if file_format(filename) != fmt:
        filename = f"{filename}.{fmt}"
    try:
        parsed = parse_standard_file(filename=filename, content=content)
        result = import_standard(actor=request.user, parsed=parsed)
    except StandardFileError:
        messages.error(
            request, _("The file no longer passes the checks; upload it again to see why.")
        )
        return redirect("standards:upload")
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("standards:upload")
    uploads.discard(sha256, fmt)
    if result.changed:
        messages.success(
            request,
            _("Imported %(standard)s, version %(version)s, as %(status)s.")
            % {
                "standard": result.version.standard,
                "version": result.version.version,
                "status": result.version.get_status_display(),
            },
        )
    else:
        messages.info(
            request, _("This version already holds exactly this content; nothing changed.")
        )
    return redirect("standards:version", pk=result.version.pk)


def _version(pk) -> StandardVersion:
    return get_object_or_404(StandardVersion.objects.select_related("standard"), pk=pk)


def _tree(version: StandardVersion) -> list[dict]:
    """A elements with their B elements and criteria, in two queries."""
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    for element in Element.objects.filter(version=version).order_by("position", "pk"):
        node = {"element": element, "children": [], "criteria": [], "points": 0}
        nodes[element.pk] = node
        if element.parent_id is None:
            roots.append(node)
        else:
            nodes[element.parent_id]["children"].append(node)
    for criterion in Criterion.objects.filter(version=version).order_by("position", "pk"):
        nodes[criterion.element_id]["criteria"].append(criterion)
        nodes[criterion.element_id]["points"] += criterion.points
        if criterion.a_element_id != criterion.element_id:
            nodes[criterion.a_element_id]["points"] += criterion.points
    return roots


@login_required
def version_detail(request, pk):
    _require_city_office(request)
    version = _version(pk)
    on_version = Q(assessments__version=version)
    enterprises = (
        Enterprise.objects.visible_to(request.user)
        .filter(on_version)
        .annotate(
            assessment_count=Count("assessments", filter=on_version),
            submitted_count=Count(
                "assessments",
                filter=on_version & Q(assessments__status=Assessment.Status.SUBMITTED),
            ),
            last_assessed=Max("assessments__created_at", filter=on_version),
        )
        .select_related("region", "industry")
        .order_by("name", "pk")
    )
    page = Paginator(enterprises, ENTERPRISES_PER_PAGE).get_page(request.GET.get("page"))
    tree = _tree(version)
    return render(
        request,
        "reviews/standards/version.html",
        {
            "version": version,
            "standard": version.standard,
            "scales": [
                str(Enterprise.Scale(code).label)
                for code in version.standard.scales
                if code in Enterprise.Scale.values
            ],
            "thresholds": version.thresholds.order_by("-min_score"),
            "tree": tree,
            "criteria_count": sum(
                len(n["criteria"]) + sum(len(c["criteria"]) for c in n["children"]) for n in tree
            ),
            "other_versions": version.standard.versions.exclude(pk=version.pk).order_by(
                "-effective_date"
            ),
            "page": page,
        },
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def template_download(request):
    _require_city_office(request)
    return _download(build_workbook(), _("standard-template") + ".xlsx", XLSX)


@login_required
def version_export_xlsx(request, pk):
    _require_city_office(request)
    version = _version(pk)
    return _download(
        build_workbook(version_data(version)),
        f"{version.standard.code}-{version.version}.xlsx",
        XLSX,
    )


@login_required
def version_export_yaml(request, pk):
    _require_city_office(request)
    version = _version(pk)
    return _download(
        dump_yaml(version_data(version)),
        f"{version.standard.code}-{version.version}.yaml",
        "application/yaml; charset=utf-8",
    )


def _transition(request, pk, service, done: str):
    _require_city_office(request)
    version = _version(pk)
    try:
        service(actor=request.user, version=version)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"version": version.version, "standard": version.standard})
    return redirect("standards:version", pk=version.pk)


@login_required
@require_POST
def version_publish(request, pk):
    return _transition(
        request,
        pk,
        services_standards.version_publish,
        _("Version %(version)s of %(standard)s is published."),
    )


@login_required
@require_POST
def version_retire(request, pk):
    return _transition(
        request,
        pk,
        services_standards.version_retire,
        _("Version %(version)s of %(standard)s is retired."),
    )
