"""Pages of certification/publicity/rules.py, and the data of its panel on the
application's detail page (templates/certification/_publicity_panel.html).

Management pages (/applications/publicity/, /applications/announcements/):
districts and organising units publish, resolve objections and announce
what they received; the city office reads everything; anyone else: 403.
Objections outside the user's batches: 404. Thin views: the rules are in
certification/publicity/rules.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certification.assignment.simplified import simplified_publicity_days
from certification.engine import TransitionConflict, TransitionForbidden
from certification.models import (
    Application,
    Certificate,
    Objection,
    PublicityBatch,
    PublicityItem,
    Status,
)
from certification.publicity import objections
from certification.publicity import rules as publicity
from certification.selectors import rows_pointing_at
from certification.workflow import tier_label
from portal import permissions
from portal.errors import ServiceError

BATCHES_PER_PAGE = 10
# Each announcement lists its certificates (up to a few hundred).
ANNOUNCEMENTS_PER_PAGE = 5
# Certificates listed under each announcement on the management page.
CERTIFICATES_SHOWN = 20


class PublicityBatchForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Approved applications"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one approved application.")},
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty for “2026年第N批…公示”."),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Publicity starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any application the organisation grades: the service says why one
        # cannot be published (not approved yet, or published meanwhile).
        self.fields["applications"].queryset = Application.objects.filter(
            authority_id=user.organisation_id
        )


class AnnouncementForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Applications"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one application to announce.")},
    )
    announced_on = forms.DateField(
        label=gettext_lazy("Announced on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(
            authority_id=user.organisation_id, status=Status.PUBLICITY
        )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=Objection.Outcome.choices, widget=forms.RadioSelect
    )
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"), widget=forms.Textarea, max_length=2000
    )


def _form_error(form: forms.Form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- the publicity page ---------------------------------------------------------------


def _batches(user):
    objections = Objection.objects.select_related("resolved_by")
    items = PublicityItem.objects.select_related(
        "application__enterprise__region", "application__industry"
    ).prefetch_related(Prefetch("objections", queryset=objections))
    return (
        publicity.publicity_batches_visible_to(user)
        .select_related("organiser")
        .prefetch_related(Prefetch("items", queryset=items))
    )


def _annotate_batch(batch: PublicityBatch, today) -> PublicityBatch:
    batch.is_open = batch.starts_on <= today <= batch.ends_on
    batch.is_upcoming = today < batch.starts_on
    batch.objection_count = sum(len(item.objections.all()) for item in batch.items.all())
    batch.unresolved_count = sum(
        1 for item in batch.items.all() for o in item.objections.all() if not o.outcome
    )
    for item in batch.items.all():
        item.tier_label = tier_label(item.tier)
    return batch


def _publicity_page(request, *, form=None, error=None, status=200):
    user = request.user
    today = timezone.localdate()
    may_publish = publicity.publishes(user)
    if may_publish and form is None:
        form = PublicityBatchForm(user=user, initial={"starts_on": today})
    candidates = []
    if may_publish:
        candidates = list(
            form.fields["applications"]
            .queryset.filter(status=Status.APPROVED)
            .select_related("enterprise__region", "industry")
            .order_by("enterprise__name", "pk")
        )
        for application in candidates:
            application.shown_tier = tier_label(application.granted_tier or application.tier)
    page = Paginator(_batches(user), BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    for batch in page:
        _annotate_batch(batch, today)
    return render(
        request,
        "certification/publicity/publicity.html",
        {
            "may_publish": may_publish,
            "form": form,
            "candidates": candidates,
            "chosen": {
                str(v)
                for v in (
                    form.data.getlist("applications") if form is not None and form.is_bound else []
                )
            },
            "page": page,
            "today": today,
            "error": error,
            "time_limit": publicity.time_limit(Status.PUBLICITY),
            "simplified_days": simplified_publicity_days(),
        },
        status=status,
    )


def _publish(request, form_class, show_page, create):
    """The POST of a publishing page: ``create(cleaned_data)`` runs the service.
    Returns what it created and None, or None and the page showing the refusal."""
    permissions.require(publicity.publishes(request.user))
    form = form_class(request.POST, user=request.user)
    if not form.is_valid():
        return None, show_page(request, form=form, status=400)
    try:
        return create(form.cleaned_data), None
    except TransitionForbidden:
        raise PermissionDenied from None
    except TransitionConflict as error:
        return None, show_page(request, form=form, error=error.message, status=409)
    except ServiceError as error:
        _form_error(form, error)
        return None, show_page(request, form=form, status=400)


@login_required
def publicity_page(request):
    """Publish approved applications; the batches with their objections."""
    permissions.require(publicity.oversees(request.user))
    if request.method != "POST":
        return _publicity_page(request)
    batch, refused = _publish(
        request,
        PublicityBatchForm,
        _publicity_page,
        lambda data: publicity.publicity_batch_create(
            actor=request.user,
            applications=list(data["applications"]),
            title=data["title"],
            starts_on=data["starts_on"],
        ),
    )
    if refused:
        return refused
    messages.success(
        request,
        _("Published “%(title)s” until %(date)s.")
        % {"title": batch.display_title, "date": batch.ends_on.isoformat()},
    )
    return redirect("certification:publicity")


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def objection_resolve(request, pk: int):
    """Resolve an objection (the publishing organisation; the city office: 403)."""
    objection = get_object_or_404(publicity.objections_visible_to(request.user), pk=pk)
    back = _safe_next(request, reverse("certification:publicity") + f"#objection-{objection.pk}")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        objections.objection_resolve(
            actor=request.user,
            objection=objection,
            outcome=form.cleaned_data["outcome"],
            resolution=form.cleaned_data["resolution"],
        )
    except TransitionForbidden:
        raise PermissionDenied from None
    except ServiceError as error:  # already resolved, or a refused input
        messages.error(request, error.message)
        return redirect(back)
    if form.cleaned_data["outcome"] == Objection.Outcome.UPHELD:
        messages.success(
            request, _("Objection upheld: the enterprise was taken out of the publicity.")
        )
    else:
        messages.success(request, _("Objection dismissed."))
    return redirect(back)


# --- the announcements page -----------------------------------------------------------


def _readiness(application: Application, today) -> tuple[bool, str]:
    """Whether the application can be announced today, else what is missing."""
    items = [i for i in application.publicity_items.all() if i.removed_at is None]
    if not items:
        return False, _("not in a publicity batch")
    item = max(items, key=lambda i: (i.batch.starts_on, i.pk))
    if today <= item.batch.ends_on:
        return False, _("publicity runs until %(date)s") % {"date": item.batch.ends_on.isoformat()}
    open_count = sum(1 for o in item.objections.all() if not o.outcome)
    if open_count:
        return False, _("%(count)d unresolved objection(s)") % {"count": open_count}
    return True, _("publicity ended %(date)s") % {"date": item.batch.ends_on.isoformat()}


def _announcements_page(request, *, form=None, error=None, status=200):
    user = request.user
    today = timezone.localdate()
    may_publish = publicity.publishes(user)
    if may_publish and form is None:
        form = AnnouncementForm(user=user, initial={"announced_on": today})
    candidates = []
    if may_publish:
        items = PublicityItem.objects.select_related("batch").prefetch_related("objections")
        candidates = list(
            form.fields["applications"]
            .queryset.select_related("enterprise__region", "industry")
            .prefetch_related(Prefetch("publicity_items", queryset=items))
            .order_by("enterprise__name", "pk")
        )
        for application in candidates:
            application.ready, application.readiness = _readiness(application, today)
            application.shown_tier = tier_label(application.granted_tier or application.tier)
    # The first certificates of each announcement, and how many it has: a district's
    # announcement can issue hundreds; the public page lists them all.
    certificates = Certificate.objects.select_related("enterprise").order_by("number", "id")
    announcements = (
        publicity.announcements_visible_to(user)
        .select_related("organiser")
        .annotate(certificate_count=rows_pointing_at(Certificate, "announcement"))
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=certificates[:CERTIFICATES_SHOWN],
                to_attr="shown_certificates",
            )
        )
    )
    page = Paginator(announcements, ANNOUNCEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    for announcement in page:
        announcement.more_certificates = announcement.certificate_count - len(
            announcement.shown_certificates
        )
        for certificate in announcement.shown_certificates:
            certificate.tier_label = tier_label(certificate.tier)
    return render(
        request,
        "certification/publicity/announcements.html",
        {
            "may_publish": may_publish,
            "form": form,
            "candidates": candidates,
            "chosen": {
                str(v)
                for v in (
                    form.data.getlist("applications") if form is not None and form.is_bound else []
                )
            },
            "page": page,
            "today": today,
            "error": error,
        },
        status=status,
    )


@login_required
def announcements_page(request):
    """Announce applications whose publicity is over; the announcements with
    their certificate numbers."""
    permissions.require(publicity.oversees(request.user))
    if request.method != "POST":
        return _announcements_page(request)
    batch, refused = _publish(
        request,
        AnnouncementForm,
        _announcements_page,
        lambda data: publicity.announcement_create(
            actor=request.user,
            applications=list(data["applications"]),
            announced_on=data["announced_on"],
        ),
    )
    if refused:
        return refused
    messages.success(
        request,
        _("Announced “%(title)s”: %(count)d certificate(s) issued.")
        % {"title": batch.display_title, "count": batch.certificates.count()},
    )
    return redirect("certification:announcements")


# --- the detail page's panel ------------------------------------------------------------


def detail_context(request, application: Application) -> dict:
    """What the publicity panel of the detail page needs (keys prefixed publicity_).

    The grading authority sees who objected and how to reach them; everyone else who
    sees the application (the enterprise included) sees the objections'
    text and outcome only."""
    user = request.user
    items = list(
        application.publicity_items.select_related("batch")
        .prefetch_related(
            Prefetch("objections", queryset=Objection.objects.select_related("resolved_by"))
        )
        .order_by("batch__starts_on", "id")
    )
    certificate = (
        Certificate.objects.select_related("announcement").filter(application=application).first()
    )
    # Objections go to the publisher of the batch (older data: the receiver).
    is_receiver = bool(
        user.can_act
        and (
            user.organisation_id == application.authority_id
            or any(user.organisation_id == item.batch.organiser_id for item in items)
        )
    )
    # Where the grading authority takes the next step: publicity and
    # announcement are made for whole batches on their own pages.
    next_page = None
    if is_receiver and publicity.publishes(user):
        pages: dict[str, str] = {
            Status.APPROVED: "certification:publicity",
            Status.PUBLICITY: "certification:announcements",
        }
        next_page = pages.get(application.status)
    if not items and certificate is None:
        return {
            "publicity_items": [],
            "publicity_certificate": None,
            "publicity_next_page": next_page,
        }
    today = timezone.localdate()
    for item in items:
        item.is_open = publicity.window_open(item.batch, today)
        item.tier_label = tier_label(item.tier)
    return {
        "publicity_items": items,
        "publicity_certificate": certificate,
        "publicity_certificate_tier": tier_label(certificate.tier) if certificate else "",
        "publicity_sees_contacts": is_receiver,
        "publicity_may_resolve": is_receiver and publicity.publishes(user),
        "publicity_resolve_form": ResolveForm(),
        "publicity_next_page": next_page,
    }
