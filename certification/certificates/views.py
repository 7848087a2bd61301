"""Pages of the certificate files: downloads of the certificate
and plaque PDFs, the rendering progress of an announcement with its
"retry failed" button, and the PDFs of the self-assessment report and the
on-site review report (rendered in the background, certification/certificates/pdf_jobs.py).

Scope of the certificate files (``download_scope``): the enterprise itself,
its group, its district, the organiser that announced it and the city
office. Others who see the certificate in the registry (regulators,
organising units by industry, review units): 403; anyone else: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certification import selectors
from certification.certificates import pdf_jobs
from certification.certificates import rendering as certificate_pdf
from certification.engine import TransitionForbidden
from certification.models import Certificate, PdfJob
from certification.publicity import rules as publicity
from portal import permissions
from portal.files import stored_file_response
from portal.models import OrganisationKind

FILES = {"pdf": ("pdf", "{number}.pdf"), "plaque": ("plaque_pdf", "{number}-牌匾.pdf")}


def download_scope(user, qs: QuerySet | None = None) -> QuerySet:
    """Certificates whose files the user may download."""
    qs = Certificate.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return qs.none()
    org = user.organisation
    if org.kind == OrganisationKind.CITY_OFFICE:
        return qs
    mine = Q(announcement__organiser_id=org.pk)
    if org.kind == OrganisationKind.DISTRICT:
        mine |= Q(region_id=org.region_id)  # the certificate's copy of the enterprise's place
    elif org.kind == OrganisationKind.GROUP:
        mine |= Q(enterprise__group_id=org.pk)
    elif org.kind == OrganisationKind.ENTERPRISE:
        mine |= Q(enterprise__account_id=org.pk)
    return qs.filter(mine)


def certificate_for_download(user, pk: int) -> Certificate:
    """The certificate, 404 outside the registry scope, 403 inside it for
    those who do not get its files."""
    visible = selectors.certificates_visible_to(user).filter(pk=pk)
    if not visible.exists():
        raise Http404
    certificate = download_scope(user).select_related("enterprise").filter(pk=pk).first()
    if certificate is None:
        raise PermissionDenied(
            _(
                "The certificate's files are for the enterprise, its group, "
                "its district, the organiser and the city office."
            )
        )
    return certificate


def certificate_file_response(certificate: Certificate, kind: str):
    field_name, filename = FILES[kind]
    stored = getattr(certificate, field_name)
    if not stored or certificate.rendered_at is None:
        raise Http404(_("The certificate's PDF is being prepared."))
    return stored_file_response(
        stored, filename=filename.format(number=certificate.number), content_type="application/pdf"
    )


@login_required
@require_GET
def certificate_download(request, pk: int, kind: str):
    """The certificate (kind "pdf") or the plaque (kind "plaque")."""
    if kind not in FILES:
        raise Http404
    return certificate_file_response(certificate_for_download(request.user, pk), kind)


@login_required
def announcement_pdfs(request, pk: int):
    """The rendering progress of an announcement (the management page's
    fragment, polled while rendering goes on)."""
    permissions.require(publicity.oversees(request.user))
    announcement = get_object_or_404(
        publicity.announcements_visible_to(request.user).prefetch_related("certificates"), pk=pk
    )
    return render(request, "pdf/_batch_progress.html", {"announcement": announcement})


@login_required
@require_POST
def announcement_pdfs_retry(request, pk: int):
    """The organiser renders again what failed (and what is still missing)."""
    permissions.require(publicity.oversees(request.user))
    announcement = get_object_or_404(publicity.announcements_visible_to(request.user), pk=pk)
    try:
        count = certificate_pdf.retry_failed(actor=request.user, announcement=announcement)
    except TransitionForbidden:
        raise PermissionDenied from None
    messages.success(
        request, _("%(count)d certificate PDF(s) will be rendered again.") % {"count": count}
    )
    return redirect(reverse("certification:announcements") + f"#announcement-{pk}")


# --- reports ---------------------------------------------------------------------------
# The report PDFs are rendered by Celery (certification/certificates/pdf_jobs.py): these
# views run the report's access checks, snapshot its HTML and send the user to
# the job's page, which polls until the file is ready. The job's page and its
# download run the same checks again (``_check_source``).


def _assessment_html(request, pk: int) -> str | HttpResponse:
    """The self-assessment print view's HTML (its scope and checks,
    reviews/views/answers.assessment_print), or its refusal."""
    from reviews.views.answers import assessment_print

    response = assessment_print(request, pk)
    if response.status_code != 200:
        return response
    return response.content.decode(response.charset or "utf-8")


def _review_report_context(request, pk: int) -> dict:
    """The on-site review report, for those who see its scores."""
    from certification.onsite import rules as onsite
    from certification.onsite import sheet
    from certification.onsite.views import _get_application, _get_review
    from reviews.views.rendering import grade_label

    application = _get_application(request, pk)
    review = _get_review(application)
    permissions.require(onsite.may_see_scores(request.user, application, review=review))
    signed = {s.member_id: s for s in review.signoffs.select_related("signed_by")}
    members = onsite.team_members(application)
    for member in members:
        member.signoff = signed.get(member.pk)
    findings = list(review.findings.select_related("criterion").order_by("created_at", "pk"))
    return {
        "application": application,
        "review": review,
        "members": members,
        "totals": sheet.totals(review),
        "findings": findings,
        "proposed_grade": grade_label(review.proposed_tier or None),
        "printed_at": timezone.localtime(),
    }


def _check_source(request, job: PdfJob) -> None:
    """404/403 unless the user still sees the job's report."""
    if job.kind == PdfJob.Kind.ASSESSMENT_REPORT:
        from reviews.views.rendering import _get_assessment

        _get_assessment(request, job.object_id)
    else:
        _review_report_context(request, job.object_id)


def _job_for(request, job_id: int) -> PdfJob:
    job = get_object_or_404(PdfJob, pk=job_id, requested_by=request.user)
    _check_source(request, job)
    return job


@login_required
@require_GET
def assessment_report_pdf(request, pk: int):
    """The self-assessment report as PDF: the print view's HTML with the PDF CSS."""
    html = _assessment_html(request, pk)
    if isinstance(html, HttpResponse):
        return html
    job = pdf_jobs.request_pdf(
        user=request.user,
        kind=PdfJob.Kind.ASSESSMENT_REPORT,
        object_id=pk,
        html=html,
        filename=_("self-assessment-report-%(pk)s.pdf") % {"pk": pk},
    )
    return redirect("certification:pdf_job", job.pk)


@login_required
@require_GET
def review_report_pdf(request, pk: int):
    """The on-site review report as PDF, for those who see the report page."""
    html = render_to_string("pdf/review_report.html", _review_report_context(request, pk), request)
    job = pdf_jobs.request_pdf(
        user=request.user,
        kind=PdfJob.Kind.REVIEW_REPORT,
        object_id=pk,
        html=html,
        filename=_("review-report-%(pk)s.pdf") % {"pk": pk},
    )
    return redirect("certification:pdf_job", job.pk)


@login_required
@require_GET
def pdf_job(request, job_id: int):
    """The job's progress; htmx polls the fragment until the file is ready."""
    job = _job_for(request, job_id)
    context = {"job": job, "stalled": pdf_jobs.is_stalled(job)}
    if request.htmx:
        return render(request, "pdf/_job_status.html", context)
    return render(request, "pdf/job.html", context)


@login_required
@require_GET
def pdf_job_download(request, job_id: int):
    job = _job_for(request, job_id)
    if job.status != PdfJob.Status.DONE or not job.file:
        raise Http404(_("The PDF is not ready."))
    return stored_file_response(job.file, filename=job.filename, content_type="application/pdf")


def enterprise_certificates_section(request, enterprise) -> str:
    """The enterprise page's certificates (enterprises/pages.py): those the user sees."""
    certificates = selectors.certificates_visible_to(request.user).filter(enterprise=enterprise)
    if not certificates:
        return ""
    return render_to_string(
        "certification/_enterprise_certificates.html", {"certificates": certificates}, request
    )
