"""The navigation of each role, built from the same permission checks the views use."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portal import permissions
from portal.models import OrganisationKind as Kind


def navigation_for(user) -> list[dict[str, str]]:
    items = [{"label": _("Home"), "url": reverse("home")}]
    if not user.can_act:
        return items
    kind = user.organisation.kind
    if kind == Kind.ENTERPRISE:
        items.append({"label": _("My enterprise"), "url": reverse("enterprises:mine")})
        items.append({"label": _("Self-assessment"), "url": reverse("assessments:list")})
    elif kind != Kind.REVIEW_UNIT:
        items.append({"label": _("Enterprises"), "url": reverse("enterprises:list")})
        items.append({"label": _("Self-assessments"), "url": reverse("assessments:list")})
    items.append({"label": _("Applications"), "url": reverse("certification:list")})
    if kind not in (Kind.REVIEW_UNIT, Kind.ORGANISING_UNIT):  # hazards.views.LEDGER_KINDS
        items.append({"label": _("Hazards"), "url": reverse("hazards:list")})
    if kind in (Kind.STREET, Kind.DISTRICT, Kind.REGULATOR, Kind.CITY_OFFICE):
        # hazards.oversight.selectors.OFFICIAL_KINDS
        items.append({"label": _("Hazard worklist"), "url": reverse("hazards:oversight:worklist")})
    if kind != Kind.STREET:  # a street office watches its enterprises; no step is its own
        items.append({"label": _("My work"), "url": reverse("certification:queue")})
    if kind in (Kind.CITY_OFFICE, Kind.DISTRICT, Kind.ORGANISING_UNIT):
        # The organisers of reviews: verification, publicity and announcement.
        items.append({"label": _("Verification"), "url": reverse("certification:verification")})
        items.append({"label": _("Publicity"), "url": reverse("certification:publicity")})
        items.append({"label": _("Announcements"), "url": reverse("certification:announcements")})
        items.append(
            {"label": _("Certificates"), "url": reverse("certification:lifecycle_certificates")}
        )
    if kind in (Kind.CITY_OFFICE, Kind.DISTRICT):
        items.append({"label": _("Registrations"), "url": reverse("enterprises:registrations")})
    if kind in (Kind.CITY_OFFICE, Kind.ORGANISING_UNIT):
        items.append({"label": _("Review units"), "url": reverse("review_bodies:list")})
    if permissions.can_import_enterprises(user):
        items.append({"label": _("Import"), "url": reverse("enterprises:import")})
    if permissions.can_manage_organisations(user):
        items.append({"label": _("Organisations"), "url": reverse("organisations")})
        items.append({"label": _("Standards"), "url": reverse("standards:list")})
    if permissions.can_manage_staff(user):
        items.append({"label": _("Staff"), "url": reverse("staff")})
    if permissions.can_view_audit_log(user):
        items.append({"label": _("Audit log"), "url": reverse("audit_log")})
    return items
