"""Writing inspection plans (排查计划): what the enterprise checks, how often, and
against which checklist: a standard version in force for it (all criteria or
those chosen) or a major-hazard catalogue version that fits it (all items or
those chosen). Pinned on the plan; each inspection copies the checklist when it
starts, so later edits do not change inspections already under way.

Each write locks the plan row, checks who acts, records one audit row; a refusal
raises (ServiceError for bad input, HazardForbidden for the wrong organisation,
HazardConflict for a plan no longer active) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from hazards.errors import HazardConflict, HazardForbidden
from hazards.inspections.selectors import catalogue_versions_for, may_manage
from hazards.models import CatalogueItem, CatalogueVersion, InspectionPlan
from portal import audit
from portal.errors import ServiceError
from portal.models import User
from reviews.models import Criterion, StandardVersion
from reviews.selectors import applicable_versions

TEXT_FIELDS = ("title", "kind", "scope", "frequency", "responsible_person", "checklist")
PLAN_FIELDS = (
    *TEXT_FIELDS,
    "standard_version",
    "criteria",
    "catalogue_version",
    "catalogue_items",
)
REQUIRED = ("title", "kind", "scope", "frequency", "responsible_person", "checklist")
AUDITED = [*TEXT_FIELDS, "standard_version", "catalogue_version", "active"]


def _label(name: str) -> str:
    field = InspectionPlan._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _snapshot(plan: InspectionPlan) -> dict[str, Any]:
    values = audit.snapshot(plan, AUDITED)
    values["criteria"] = sorted(plan.criteria.values_list("pk", flat=True))
    values["catalogue_items"] = sorted(plan.catalogue_items.values_list("pk", flat=True))
    return values


def _check_standard(
    enterprise: Enterprise, version: object, criteria: Iterable[object]
) -> list[Criterion]:
    if not isinstance(version, StandardVersion):
        raise ServiceError(
            _("Choose the standard version the inspection checks against."),
            field="standard_version",
        )
    if version.pk not in {v.pk for v in applicable_versions(enterprise)}:
        raise ServiceError(
            _("“%(version)s” is not a standard version in force for this enterprise.")
            % {"version": f"{version.standard.name} {version.version}"},
            field="standard_version",
        )
    chosen: list[Criterion] = []
    for criterion in criteria:
        if not isinstance(criterion, Criterion) or criterion.version_id != version.pk:
            raise ServiceError(
                _("Choose criteria of the pinned standard version only."), field="criteria"
            )
        chosen.append(criterion)
    return chosen


def _check_catalogue(
    enterprise: Enterprise, version: object, items: Iterable[object]
) -> list[CatalogueItem]:
    if not isinstance(version, CatalogueVersion):
        raise ServiceError(
            _("Choose the major-hazard catalogue the inspection checks against."),
            field="catalogue_version",
        )
    if not catalogue_versions_for(enterprise).filter(pk=version.pk).exists():
        raise ServiceError(
            _("“%(version)s” is not a catalogue in force for this enterprise's industry.")
            % {"version": version},
            field="catalogue_version",
        )
    chosen: list[CatalogueItem] = []
    for item in items:
        if not isinstance(item, CatalogueItem) or item.version_id != version.pk:
            raise ServiceError(
                _("Choose items of the chosen catalogue version only."), field="catalogue_items"
            )
        chosen.append(item)
    return chosen


def _apply(plan: InspectionPlan, fields: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Sets the plan's fields from ``fields`` (those given), checks them all and
    returns the criteria and items to set; raises ServiceError naming the field."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ServiceError(_("Unknown field “%(name)s”.") % {"name": name}, field=name)
    for name in TEXT_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(plan, name, value.strip() if isinstance(value, str) else value)
    for name in REQUIRED:
        value = getattr(plan, name)
        if value is None or (isinstance(value, str) and not value):
            raise ServiceError(
                _("%(field)s is required.") % {"field": _label(name).capitalize()}, field=name
            )
    if plan.checklist not in InspectionPlan.Checklist.values:
        raise ServiceError(_("Choose the kind of checklist."), field="checklist")
    enterprise = plan.enterprise
    criteria: list[Any] = []
    items: list[Any] = []
    if plan.checklist == InspectionPlan.Checklist.STANDARD:
        version = fields.get("standard_version", plan.standard_version)
        given = fields.get("criteria")
        if given is None:
            given = list(plan.criteria.all()) if plan.pk else []
        criteria = _check_standard(enterprise, version, given)
        plan.standard_version, plan.catalogue_version = version, None
    else:
        version = fields.get("catalogue_version", plan.catalogue_version)
        given = fields.get("catalogue_items")
        if given is None:
            given = list(plan.catalogue_items.all()) if plan.pk else []
        items = _check_catalogue(enterprise, version, given)
        plan.catalogue_version, plan.standard_version = version, None
    try:
        plan.full_clean(exclude=["enterprise", "created_by"], validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ServiceError(f"{_label(name)}: {messages[0]}", field=name) from None
    return criteria, items


@transaction.atomic
def plan_create(*, actor: User, enterprise: Enterprise, **fields: Any) -> InspectionPlan:
    """A new active plan for the enterprise (its users or its group). An empty
    choice of criteria or items means the whole standard version or catalogue."""
    if not may_manage(actor, enterprise):
        raise HazardForbidden(_("Your organisation cannot plan inspections for this enterprise."))
    plan = InspectionPlan(enterprise=enterprise, created_by=actor)
    criteria, items = _apply(plan, fields)
    plan.save()
    plan.criteria.set(criteria)
    plan.catalogue_items.set(items)
    audit.record(actor=actor, action="inspection_plan.create", obj=plan, after=_snapshot(plan))
    return plan


def _locked(plan: InspectionPlan) -> InspectionPlan:
    return (
        InspectionPlan.objects.select_related("enterprise", "standard_version__standard")
        .select_for_update(of=("self",))
        .get(pk=plan.pk)
    )


@transaction.atomic
def plan_update(*, actor: User, plan: InspectionPlan, **fields: Any) -> InspectionPlan:
    """Changes the fields given; the checklist is checked again as a whole."""
    plan = _locked(plan)
    if not may_manage(actor, plan.enterprise):
        raise HazardForbidden(_("Your organisation cannot edit this enterprise's plans."))
    if not plan.active:
        raise HazardConflict(_("The plan is no longer active; it does not change."))
    before = _snapshot(plan)
    criteria, items = _apply(plan, fields)
    plan.save(update_fields=[*TEXT_FIELDS, "standard_version", "catalogue_version"])
    plan.criteria.set(criteria)
    plan.catalogue_items.set(items)
    old, new = audit.changed(before, _snapshot(plan))
    if new:
        audit.record(actor=actor, action="inspection_plan.update", obj=plan, before=old, after=new)
    return plan


@transaction.atomic
def plan_deactivate(*, actor: User, plan: InspectionPlan) -> InspectionPlan:
    """No new inspection starts from the plan; those recorded stay."""
    plan = _locked(plan)
    if not may_manage(actor, plan.enterprise):
        raise HazardForbidden(_("Your organisation cannot edit this enterprise's plans."))
    if not plan.active:
        raise HazardConflict(_("The plan is already inactive."))
    plan.active = False
    plan.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action="inspection_plan.deactivate",
        obj=plan,
        before={"active": True},
        after={"active": False},
    )
    return plan
