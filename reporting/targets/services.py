"""The city office adds, edits and retires targets. Every write is atomic, checks all
its input before writing anything and leaves one audit row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal import audit
from portal.errors import ServiceError
from portal.models import Industry, Region, User
from reporting.models import Target, TargetAllocation, TargetStage
from reporting.targets.selectors import may_manage

AUDITED = ["title", "document_number", "scales", "required_grade", "deadline", "rate"]


@dataclass
class TargetInput:
    """A target as given by a form or the API: codes, not objects."""

    title: str
    deadline: datetime.date | None
    rate: Any
    required_grade: str
    document_number: str = ""
    industries: list[str] = field(default_factory=list)
    scales: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    allocations: dict[str, Any] = field(default_factory=dict)  # district code → rate
    stages: list[tuple[datetime.date, Any]] = field(default_factory=list)


def _rate(value: Any, name: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        rate = Decimal("-1")
    if not rate.is_finite() or not Decimal("0") <= rate <= Decimal("100"):
        raise ServiceError(_("A rate is a percentage from 0 to 100."), field=name)
    return rate.quantize(Decimal("0.01"))


def _unknown(given: list[str], known: set[str], name: str, what: str) -> None:
    missing = sorted(set(given) - known)
    if missing:
        raise ServiceError(
            _("Unknown %(what)s: %(codes)s.") % {"what": what, "codes": ", ".join(missing)},
            field=name,
        )


def _checked(data: TargetInput) -> dict[str, Any]:
    title = (data.title or "").strip()
    if not title:
        raise ServiceError(_("Give the target a title."), field="title")
    if len(title) > 200 or len(data.document_number or "") > 60:
        raise ServiceError(_("The title or document number is too long."), field="title")
    if data.deadline is None:
        raise ServiceError(_("Give the target a deadline."), field="deadline")
    if data.required_grade not in Target.Grade.values:
        raise ServiceError(_("Unknown required grade."), field="required_grade")
    industries = list(Industry.objects.filter(code__in=data.industries))
    _unknown(data.industries, {i.pk for i in industries}, "industries", _("industry code"))
    _unknown(data.scales, set(Enterprise.Scale.values), "scales", _("scale"))
    codes = set(data.regions) | set(data.allocations)
    regions = {r.pk: r for r in Region.objects.filter(code__in=codes)}
    _unknown(sorted(codes), set(regions), "regions", _("district code"))
    allocations = {code: _rate(rate, "allocations") for code, rate in data.allocations.items()}
    stages: dict[datetime.date, Decimal] = {}
    for due_on, rate in data.stages:
        if due_on is None or due_on in stages:
            raise ServiceError(_("Each stage goal needs its own date."), field="stages")
        stages[due_on] = _rate(rate, "stages")
    return {
        "fields": {
            "title": title,
            "document_number": (data.document_number or "").strip(),
            "scales": sorted(set(data.scales)),
            "required_grade": data.required_grade,
            "deadline": data.deadline,
            "rate": _rate(data.rate, "rate"),
        },
        "industries": industries,
        "regions": [regions[c] for c in sorted(set(data.regions))],
        "allocations": [(regions[c], rate) for c, rate in sorted(allocations.items())],
        "stages": sorted(stages.items()),
    }


def _require_manager(actor: User) -> None:
    if not may_manage(actor):
        raise ServiceError(_("Only the city office manages targets."))


def _write(target: Target, checked: dict[str, Any]) -> None:
    for name, value in checked["fields"].items():
        setattr(target, name, value)
    target.save()
    target.industries.set(checked["industries"])
    target.regions.set(checked["regions"])
    target.allocations.all().delete()
    TargetAllocation.objects.bulk_create(
        TargetAllocation(target=target, region=region, rate=rate)
        for region, rate in checked["allocations"]
    )
    target.stages.all().delete()
    TargetStage.objects.bulk_create(
        TargetStage(target=target, due_on=due_on, rate=rate) for due_on, rate in checked["stages"]
    )


def target_create(*, actor: User, data: TargetInput) -> Target:
    _require_manager(actor)
    checked = _checked(data)
    with transaction.atomic():
        target = Target()
        _write(target, checked)
        audit.record(
            actor=actor, action="target.create", obj=target, after=audit.snapshot(target, AUDITED)
        )
    return target


def target_update(*, actor: User, target: Target, data: TargetInput) -> Target:
    _require_manager(actor)
    checked = _checked(data)
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.retired_at is not None:
            raise ServiceError(_("This target is retired; it can no longer be edited."))
        before = audit.snapshot(target, AUDITED)
        _write(target, checked)
        old, new = audit.changed(before, audit.snapshot(target, AUDITED))
        audit.record(actor=actor, action="target.update", obj=target, before=old, after=new)
    return target


def target_retire(*, actor: User, target: Target) -> Target:
    _require_manager(actor)
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.retired_at is not None:
            raise ServiceError(_("This target is already retired."))
        target.retired_at = timezone.now()
        target.save(update_fields=["retired_at", "updated_at"])
        audit.record(
            actor=actor,
            action="target.retire",
            obj=target,
            after={"retired_at": target.retired_at.isoformat()},
        )
    return target
