"""Disqualifying a review unit: the organising unit's proposal (on the unit's page),
and the proposals list where the industry regulator or the city office decides
(reviews/bodies/disqualification.py). Outside the scope 404; inside it without the
right, 403."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal import permissions
from portal.errors import ServiceError
from portal.forms import BootstrapFormMixin
from reviews.bodies import disqualification, selectors


class ProposalForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for disqualifying the unit"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence (failed spot checks, reports, complaints)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Disqualify the unit")),
            ("refuse", gettext_lazy("Refuse the proposal")),
        ],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reasons for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _errors(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@login_required
@require_POST
def propose(request, pk):
    unit = get_object_or_404(selectors.units_visible_to(request.user), pk=pk)
    permissions.require(disqualification.may_propose(request.user, unit))
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("review_bodies:detail", pk=unit.pk)
    try:
        disqualification.proposal_create(actor=request.user, unit=unit, **form.cleaned_data)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The proposal to disqualify “%(name)s” was sent for decision.") % {"name": unit.name},
        )
    return redirect("review_bodies:detail", pk=unit.pk)


@login_required
@require_GET
def proposal_list(request):
    """Proposals of the units the user manages, decides on, or is; a decider sees the
    pending ones first, each with its decision form."""
    user = request.user
    if not disqualification.may_see_proposals(user):
        raise Http404
    qs = disqualification.proposals_visible_to(user)
    page = Paginator(
        qs.select_related("unit", "proposer", "decider").order_by("status", "-proposed_at", "-pk"),
        50,
    ).get_page(request.GET.get("page"))
    decided_by_user = set(
        disqualification.units_decided_by(user)
        .filter(pk__in=[p.unit_id for p in page])
        .values_list("pk", flat=True)
    )
    for proposal in page:
        proposal.may_decide = (
            proposal.status == proposal.Status.PENDING and proposal.unit_id in decided_by_user
        )
        # One form per row, with ids of its own.
        proposal.decision_form = DecisionForm(auto_id=f"id_%s_{proposal.pk}")
    return render(request, "reviews/bodies/disqualifications.html", {"page": page})


@login_required
@require_POST
def decide(request, proposal_pk):
    proposal = get_object_or_404(
        disqualification.proposals_visible_to(request.user).select_related("unit"),
        pk=proposal_pk,
    )
    permissions.require(disqualification.may_decide(request.user, proposal.unit))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("review_bodies:disqualifications")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        disqualification.proposal_decide(
            actor=request.user,
            proposal=proposal,
            approve=approve,
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            (
                _("“%(name)s” is disqualified.")
                if approve
                else _("The proposal to disqualify “%(name)s” is refused.")
            )
            % {"name": proposal.unit.name},
        )
    return redirect("review_bodies:disqualifications")
