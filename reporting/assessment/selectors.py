"""Who reads and does what in the assessment.

- The city office reads every report and runs the city's assessment (districts and
  the city's industry departments) and any district's of its streets and
  departments; it finalises and publishes the city-level reports.
- A district government reads its own report and its streets' and departments'
  reports (never another district's), runs and finalises their assessment, and
  comments on its own report.
- A street office and a regulator (a city or a district department) read and
  comment on their own reports.
- Everyone else has no assessment pages (403); a report outside one's scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from portal.models import OrganisationKind as OrgKind
from portal.models import Region
from reporting.assessment.models import AssessmentReport, Bulletin, ReportRun, Scheme

READERS = (OrgKind.CITY_OFFICE, OrgKind.DISTRICT, OrgKind.STREET, OrgKind.REGULATOR)
Unit = AssessmentReport.UnitKind
# The unit kinds a regulator organisation is assessed as (the city's or a district's).
DEPARTMENTS = (Unit.REGULATOR, Unit.DEPARTMENT)


def _org(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False) or not user.can_act:
        return None
    return user.organisation


def may_read(user: Any) -> bool:
    org = _org(user)
    return org is not None and org.kind in READERS


def may_assess(user: Any) -> bool:
    """The offices that assess: the city office and the districts."""
    org = _org(user)
    return org is not None and org.kind in (OrgKind.CITY_OFFICE, OrgKind.DISTRICT)


def may_run(user: Any, level: str, region: Region | None) -> bool:
    org = _org(user)
    if org is None:
        return False
    if org.kind == OrgKind.CITY_OFFICE:
        return True
    return (
        org.kind == OrgKind.DISTRICT
        and level == Scheme.Level.DISTRICT
        and region is not None
        and region.pk == org.region_id
    )


def reports_visible_to(user: Any) -> QuerySet[AssessmentReport]:
    org = _org(user)
    found = AssessmentReport.objects.all()
    if org is None:
        return found.none()
    if org.kind == OrgKind.CITY_OFFICE:
        return found
    if org.kind == OrgKind.DISTRICT and org.region_id:
        return found.filter(region_id=org.region_id)
    if org.kind == OrgKind.STREET and org.street_id:
        return found.filter(unit_kind=Unit.STREET, unit_key=org.street.code)
    if org.kind == OrgKind.REGULATOR:
        return found.filter(unit_kind__in=DEPARTMENTS, unit_key=str(org.pk))
    return found.none()


def runs_visible_to(user: Any) -> QuerySet[ReportRun]:
    org = _org(user)
    if org is None:
        return ReportRun.objects.none()
    if org.kind == OrgKind.CITY_OFFICE:
        return ReportRun.objects.all()
    if org.kind == OrgKind.DISTRICT and org.region_id:
        return ReportRun.objects.filter(level=Scheme.Level.DISTRICT, region_id=org.region_id)
    return ReportRun.objects.none()


def bulletins_visible_to(user: Any) -> QuerySet[Bulletin]:
    """The city's bulletin goes to every reader; a district's to it, its streets and
    its departments."""
    org = _org(user)
    if org is None or org.kind not in READERS:
        return Bulletin.objects.none()
    if org.kind == OrgKind.CITY_OFFICE:
        return Bulletin.objects.all()
    own = Q(level=Scheme.Level.CITY)
    if org.region_id:
        own |= Q(level=Scheme.Level.DISTRICT, region_id=org.region_id)
    return Bulletin.objects.filter(own)


def is_assessing_office(user: Any, report: AssessmentReport) -> bool:
    org = _org(user)
    if org is None:
        return False
    if report.scheme.level == Scheme.Level.CITY:
        return bool(org.kind == OrgKind.CITY_OFFICE)
    return bool(org.kind == OrgKind.DISTRICT and org.region_id == report.region_id)


def is_assessed_unit(user: Any, report: AssessmentReport) -> bool:
    org = _org(user)
    if org is None:
        return False
    if report.unit_kind == Unit.DISTRICT:
        return bool(org.kind == OrgKind.DISTRICT and org.region_id == report.unit_key)
    if report.unit_kind == Unit.STREET:
        return bool(
            org.kind == OrgKind.STREET and org.street_id and org.street.code == report.unit_key
        )
    return bool(
        report.unit_kind in DEPARTMENTS
        and org.kind == OrgKind.REGULATOR
        and str(org.pk) == report.unit_key
    )


def latest_of(report: AssessmentReport) -> AssessmentReport:
    return (
        AssessmentReport.objects.filter(
            unit_kind=report.unit_kind,
            unit_key=report.unit_key,
            period_kind=report.period_kind,
            period_code=report.period_code,
        )
        .order_by("-version")
        .first()
        or report
    )
