"""The assessed units of a level and their frozen snapshot figures.

The city assesses the districts and the city's industry departments (行业管理部门:
regulator organisations without a district); a district assesses its streets and
its own departments (regulator organisations whose ``region`` is that district).

Every unit reads its own scope's snapshot rows (figures, targets, breakdown). A
department, city or district, reads its regulator scope, whose rows the snapshots
count over its industries: city-wide for a city department, inside its district
for a district department (reporting/snapshots/compute.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from portal.models import Organisation, Region, Street
from portal.models import OrganisationKind as OrgKind
from reporting.assessment.models import AssessmentReport, Scheme
from reporting.models import MetricSnapshot
from reporting.snapshots import periods

Unit = AssessmentReport.UnitKind
Scope = MetricSnapshot.ScopeKind
SCOPE: dict[str, str] = {
    Unit.DISTRICT: Scope.DISTRICT,
    Unit.REGULATOR: Scope.REGULATOR,
    Unit.DEPARTMENT: Scope.REGULATOR,
    Unit.STREET: Scope.STREET,
}
# The rows of each unit's own breakdown table (达标创建).
BREAKDOWN: dict[str, str] = {
    Unit.DISTRICT: "street",
    Unit.REGULATOR: "district",
    Unit.STREET: "industry",
    Unit.DEPARTMENT: "industry",
}


class ReportError(ValueError):
    pass


@dataclass(frozen=True)
class AssessedUnit:
    kind: str
    key: str
    name: str
    region_id: str | None


def _departments(region: Region | None) -> list[AssessedUnit]:
    """The active regulators of the city (``region`` None) or of one district."""
    kind = Unit.REGULATOR if region is None else Unit.DEPARTMENT
    return [
        AssessedUnit(kind, str(pk), name, None if region is None else region.pk)
        for pk, name in Organisation.objects.filter(
            kind=OrgKind.REGULATOR, status=Organisation.Status.ACTIVE, region=region
        )
        .order_by("name", "pk")
        .values_list("pk", "name")
    ]


def units(level: str, region: Region | None = None) -> list[AssessedUnit]:
    """The units a level assesses: the districts and the city's departments (city), or
    one district's streets and departments (district)."""
    if level == Scheme.Level.CITY:
        found = [AssessedUnit(Unit.DISTRICT, r.pk, r.name, r.pk) for r in Region.objects.all()]
        return found + _departments(None)
    if region is None:
        raise ReportError(_("A district-level assessment needs its district."))
    streets = [
        AssessedUnit(Unit.STREET, s.code, s.name, s.region_id)
        for s in Street.objects.filter(region=region).order_by("code")
    ]
    return streets + _departments(region)


def _empty() -> dict[str, Any]:
    return {"current": None, "previous": {}, "targets": {}, "rows": []}


def snapshots(
    chosen: list[AssessedUnit], period: periods.Period
) -> dict[tuple[str, str], dict[str, Any]]:
    """Per unit (kind, key): the frozen total row of the period and of the one
    before, its target rows and its breakdown rows. One query for all units."""
    previous = period.previous()
    wanted = MetricSnapshot.objects.none()
    keys_by_scope: dict[str, set[str]] = defaultdict(set)
    for unit in chosen:
        keys_by_scope[SCOPE[unit.kind]].add(unit.key)
    for scope_kind, keys in keys_by_scope.items():
        wanted = wanted | MetricSnapshot.objects.filter(scope_kind=scope_kind, scope_key__in=keys)
    dimensions = {"", "target", *BREAKDOWN.values()}
    # (scope kind, scope key) -> period code -> dimension -> key -> (as_of, figures)
    read: dict[tuple[str, str], dict[str, dict[str, dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for scope_kind, scope_key, dimension, key, code, as_of, figures in (
        wanted.filter(
            period_kind=period.kind,
            period_code__in=[period.code, previous.code],
            dimension__in=dimensions,
            frozen_at__isnull=False,
        )
        .order_by()
        .values_list(
            "scope_kind", "scope_key", "dimension", "key", "period_code", "as_of", "figures"
        )
    ):
        read[(scope_kind, scope_key)][code][dimension][key] = (as_of, figures)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for unit in chosen:
        entry = found[(unit.kind, unit.key)] = _empty()
        own = read[(SCOPE[unit.kind], unit.key)]
        total = own[period.code][""].get("")
        if total is not None:
            entry["as_of"], entry["current"] = total
        entry["previous"] = (own[previous.code][""].get("") or (None, {}))[1]
        entry["targets"] = {key: value[1] for key, value in own[period.code]["target"].items()}
        entry["rows"] = [
            (key, value[1]) for key, value in own[period.code][BREAKDOWN[unit.kind]].items()
        ]
    return found
