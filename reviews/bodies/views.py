"""Review units: the list their managers see, and one unit's page (status,
reviewers, conflict relations, figures).

Scope: reviews.bodies.selectors (managers, plus the unit's own users read
only); outside it 404, a write without the right 403.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from enterprises.models import Enterprise
from enterprises.selectors import filter_enterprises
from portal import permissions
from portal.errors import ServiceError
from portal.forms import BootstrapFormMixin
from portal.models import Industry, Organisation, OrganisationKind, Qualification, Tier, User
from reviews.bodies import disqualification, selectors, services
from reviews.bodies import figures as year_figures
from reviews.bodies.views_disqualification import ProposalForm
from reviews.models import ConflictRelation, Reviewer

# --- forms -----------------------------------------------------------------------


class UnitStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=[(s.value, s.label) for s in services.SETTABLE_STATUSES],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected = forms.CharField(widget=forms.HiddenInput, required=False, max_length=50)


class ReviewerForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Reviewer
        fields = ["name", "certificate_no", "specialties", "user"]
        widgets = {"specialties": forms.CheckboxSelectMultiple}

    def __init__(self, *args, unit: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # A ModelForm's field for a relation is a ModelChoiceField.
        cast(forms.ModelChoiceField, self.fields["specialties"]).queryset = Industry.objects.all()
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
            organisation=unit, is_active=True
        )
        self.fields["user"].required = False

    def validate_unique(self):
        """The service checks the certificate number, with a clearer message."""


class ConflictForm(BootstrapFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=Enterprise.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ConflictRelation.Kind.choices)
    started_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The page offers only the matches of a search (see _detail); any enterprise
        # the user can see is accepted.
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)


class ConflictEndForm(forms.Form):
    ended_on = forms.DateField(required=False)


# --- helpers -----------------------------------------------------------------------


def _unit_or_404(user, pk) -> Organisation:
    return get_object_or_404(selectors.units_visible_to(user), pk=pk)


def _managed_unit(request, pk) -> Organisation:
    """The unit, for a write: 404 outside the scope, 403 for its own read-only users."""
    unit = _unit_or_404(request.user, pk)
    permissions.require(selectors.can_manage_unit(request.user, unit))
    return unit


def _enterprise_matches(user, query: str):
    query = (query or "").strip()
    if not query:
        return None
    return list(filter_enterprises(Enterprise.objects.visible_to(user), search=query)[:20])


def _detail(
    request,
    unit: Organisation,
    *,
    status_form=None,
    reviewer_form=None,
    conflict_form=None,
    status=200,
):
    user = request.user
    can_manage = selectors.can_manage_unit(user, unit)
    reviewers = list(
        unit.reviewers.prefetch_related(
            Prefetch("specialties", queryset=Industry.objects.order_by("code"))
        )
        .select_related("user")
        .order_by("-is_active", "name")
    )
    figures = selectors.unit_figures(unit)
    year = year_figures.parse_year(request.GET.get("year")) or year_figures.current_year()
    period_figures = year_figures.unit_figures(unit, year)
    for reviewer in reviewers:
        reviewer.figures = figures.per_reviewer.get(reviewer.pk, selectors.Figures())
        reviewer.year_figures = period_figures.reviewer(reviewer.pk)
    context = {
        "unit": unit,
        "qualifications": unit.qualifications.select_related("industry").order_by(
            "industry__code", "tier"
        ),
        "reviewers": reviewers,
        "conflicts": unit.conflict_relations.select_related("enterprise", "created_by").order_by(
            "ended_on", "-started_on", "-pk"
        ),
        "figures": figures,
        "year_figures": period_figures,
        "years": year_figures.year_choices(year),
        "can_manage": can_manage,
        "proposals": unit.disqualification_proposals.select_related("proposer", "decider").order_by(
            "-proposed_at", "-pk"
        ),
        "may_propose": disqualification.may_propose(user, unit),
        "may_decide": disqualification.may_decide(user, unit),
    }
    if context["may_propose"]:
        context["proposal_form"] = ProposalForm()
    if can_manage:
        ent_q = request.GET.get("ent_q") or request.POST.get("ent_q", "")
        matches = _enterprise_matches(user, ent_q)
        context.update(
            {
                "status_form": status_form or UnitStatusForm(initial={"expected": unit.status}),
                "reviewer_form": reviewer_form or ReviewerForm(unit=unit, prefix="reviewer"),
                "conflict_form": conflict_form or ConflictForm(user=user, prefix="conflict"),
                "ent_q": ent_q,
                "matches": matches,
            }
        )
    return render(request, "reviews/bodies/detail.html", context, status=status)


# --- pages -----------------------------------------------------------------------


@login_required
@require_GET
def unit_list(request):
    user = request.user
    if not selectors.can_manage_units(user):
        if user.can_act and user.organisation.kind == OrganisationKind.REVIEW_UNIT:
            return redirect("review_bodies:detail", pk=user.organisation_id)
        raise Http404
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "status", "industry", "tier")}
    year = year_figures.current_year()
    page = Paginator(
        year_figures.annotate_list(selectors.unit_list(user, filters), year), 50
    ).get_page(request.GET.get("page"))
    for unit in page:
        unit.year_figures = year_figures.list_figures(unit, year)
    return render(
        request,
        "reviews/bodies/list.html",
        {
            "page": page,
            "filters": filters,
            "year": year,
            "params": urlencode({k: v for k, v in filters.items() if v}),
            "statuses": [(s.value, s.label) for s in services.UNIT_STATUSES],
            "industries": Industry.objects.filter(
                pk__in=Qualification.objects.filter(
                    organisation__in=selectors.units_managed_by(user)
                ).values("industry")
            ).order_by("code"),
            "tiers": Tier.choices,
        },
    )


@login_required
@require_GET
def unit_detail(request, pk):
    return _detail(request, _unit_or_404(request.user, pk))


@login_required
@require_POST
def unit_status(request, pk):
    unit = _managed_unit(request, pk)
    form = UnitStatusForm(request.POST)
    if form.is_valid():
        try:
            services.unit_set_status(actor=request.user, unit=unit, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("“%(name)s” is now “%(status)s”.")
                % {"name": unit.name, "status": unit.get_status_display()},
            )
            return redirect("review_bodies:detail", pk=unit.pk)
    return _detail(request, unit, status_form=form, status=400)


@login_required
@require_POST
def reviewer_add(request, pk):
    unit = _managed_unit(request, pk)
    form = ReviewerForm(request.POST, unit=unit, prefix="reviewer", instance=Reviewer(unit=unit))
    if form.is_valid():
        try:
            reviewer = services.reviewer_save(
                actor=request.user,
                reviewer=form.save(commit=False),
                specialties=form.cleaned_data["specialties"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Added reviewer %(name)s.") % {"name": reviewer.name})
            return redirect("review_bodies:detail", pk=unit.pk)
    return _detail(request, unit, reviewer_form=form, status=400)


@login_required
def reviewer_edit(request, pk, reviewer_pk):
    unit = _managed_unit(request, pk)
    reviewer = get_object_or_404(Reviewer, unit=unit, pk=reviewer_pk)
    form = ReviewerForm(request.POST or None, unit=unit, instance=reviewer)
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewer_save(
                actor=request.user,
                reviewer=form.save(commit=False),
                specialties=form.cleaned_data["specialties"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved reviewer %(name)s.") % {"name": reviewer.name})
            return redirect("review_bodies:detail", pk=unit.pk)
    return render(
        request,
        "reviews/bodies/reviewer_form.html",
        {"unit": unit, "reviewer": reviewer, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reviewer_active(request, pk, reviewer_pk):
    unit = _managed_unit(request, pk)
    reviewer = get_object_or_404(Reviewer, unit=unit, pk=reviewer_pk)
    active = request.POST.get("active") == "1"
    try:
        services.reviewer_set_active(actor=request.user, reviewer=reviewer, active=active)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            (_("Reactivated reviewer %(name)s.") if active else _("Deactivated reviewer %(name)s."))
            % {"name": reviewer.name},
        )
    return redirect("review_bodies:detail", pk=unit.pk)


@login_required
@require_POST
def conflict_add(request, pk):
    unit = _managed_unit(request, pk)
    form = ConflictForm(request.POST, user=request.user, prefix="conflict")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_record(actor=request.user, unit=unit, **data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Recorded the relation with %(name)s.") % {"name": data["enterprise"].name},
            )
            return redirect("review_bodies:detail", pk=unit.pk)
    return _detail(request, unit, conflict_form=form, status=400)


@login_required
@require_POST
def conflict_end(request, pk, conflict_pk):
    unit = _managed_unit(request, pk)
    conflict = get_object_or_404(ConflictRelation, unit=unit, pk=conflict_pk)
    form = ConflictEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("Enter a valid date."))
        services.conflict_end(
            actor=request.user, conflict=conflict, ended_on=form.cleaned_data["ended_on"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Ended the relation with %(name)s.") % {"name": conflict.enterprise.name}
        )
    return redirect("review_bodies:detail", pk=unit.pk)
