"""The navigation of each role, built from the same permission checks the views use.

Every page shows it, and it depends on nothing but the role (``Role``), the
language and the URLs: each process builds it once per role and language instead
of some twenty ``reverse`` and ``gettext`` calls per page."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import permissions
from portal.models import OrganisationKind as Kind


class Role(NamedTuple):
    """All the navigation depends on: the organisation's kind and the user's
    permissions (None for a user who may not act: only "Home")."""

    kind: str
    can_import_enterprises: bool
    can_manage_organisations: bool
    can_manage_staff: bool
    can_view_audit_log: bool


def role_of(user) -> Role | None:
    if not user.can_act:
        return None
    return Role(
        str(user.organisation.kind),
        permissions.can_import_enterprises(user),
        permissions.can_manage_organisations(user),
        permissions.can_manage_staff(user),
        permissions.can_view_audit_log(user),
    )


def navigation_for(user) -> list[dict[str, Any]]:
    """The top navigation: items of label and url; the "Hazards" item also has
    ``children``, shown as a dropdown (its url is the first child's). Shared
    between requests: read it, never change it."""
    where = (get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return _navigation(role_of(user), *where)


@functools.lru_cache(maxsize=128)
def _navigation(role: Role | None, *where: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"label": _("Home"), "url": reverse("home")}]
    if role is None:
        return items
    kind = role.kind
    if kind == Kind.ENTERPRISE:
        items.append({"label": _("My enterprise"), "url": reverse("enterprises:mine")})
        items.append({"label": _("Self-assessment"), "url": reverse("assessments:list")})
    elif kind != Kind.REVIEW_UNIT:
        items.append({"label": _("Enterprises"), "url": reverse("enterprises:list")})
        items.append({"label": _("Self-assessments"), "url": reverse("assessments:list")})
    items.append({"label": _("Applications"), "url": reverse("certification:list")})
    if kind in (Kind.ENTERPRISE, Kind.GROUP):  # their own certificates, PDF and plaque
        items.append(
            {"label": _("Certificates"), "url": reverse("certification:lifecycle_certificates")}
        )
    if kind not in (Kind.REVIEW_UNIT, Kind.ORGANISING_UNIT):  # hazards.views.LEDGER_KINDS
        menu = hazard_menu(kind)
        items.append({"label": _("Hazards"), "url": menu[0]["url"], "children": menu})
    if kind in (Kind.STREET, Kind.DISTRICT, Kind.REGULATOR, Kind.CITY_OFFICE):
        # hazards.oversight.selectors.OFFICIAL_KINDS
        items.append({"label": _("Hazard worklist"), "url": reverse("hazards:oversight:worklist")})
        # reporting.targets.selectors.READER_KINDS
        items.append({"label": _("Targets"), "url": reverse("targets:list")})
        # reporting.standing.selectors.READERS
        items.append({"label": _("Warning list"), "url": reverse("standing:warnings")})
        items.append({"label": _("Supervision tiers"), "url": reverse("standing:tiers")})
        # reporting.assessment.selectors.READERS
        items.append({"label": _("Assessment"), "url": reverse("assessment:index")})
    if kind in (Kind.STREET, Kind.DISTRICT, Kind.CITY_OFFICE):
        # reporting.worklists.registry.READER_KINDS (regulators reach them by URL)
        items.append({"label": _("Worklists"), "url": reverse("worklists:index")})
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
    if kind == Kind.REGULATOR:
        # Level 2's grading authority (settings.GRADING_AUTHORITIES): it approves,
        # publishes and announces, and changes the certificates it announced.
        items.append({"label": _("Publicity"), "url": reverse("certification:publicity")})
        items.append({"label": _("Announcements"), "url": reverse("certification:announcements")})
        items.append(
            {"label": _("Certificates"), "url": reverse("certification:lifecycle_certificates")}
        )
    if kind in (Kind.CITY_OFFICE, Kind.DISTRICT):
        items.append({"label": _("Registrations"), "url": reverse("enterprises:registrations")})
    if kind in (Kind.CITY_OFFICE, Kind.ORGANISING_UNIT):
        items.append({"label": _("Review units"), "url": reverse("review_bodies:list")})
    if kind == Kind.REGULATOR:  # decides on disqualifying the units of its industries
        items.append(
            {
                "label": _("Review unit disqualifications"),
                "url": reverse("review_bodies:disqualifications"),
            }
        )
    if role.can_import_enterprises:
        items.append({"label": _("Import"), "url": reverse("enterprises:import")})
    if role.can_manage_organisations:
        items.append({"label": _("Organisations"), "url": reverse("organisations")})
        items.append({"label": _("Standards"), "url": reverse("standards:list")})
        items.append({"label": _("Feed clients"), "url": reverse("standing:feed_clients")})
    if role.can_manage_staff:
        items.append({"label": _("Staff"), "url": reverse("staff")})
    if role.can_view_audit_log:
        items.append({"label": _("Audit log"), "url": reverse("audit_log")})
    return items


# Who uses which hazard page; each kind listed here is one the page lets in (the
# checks live in hazards/, which portal may not import: tests/portal/test_navigation.py
# opens every entry as every role).
OFFICES = (Kind.STREET, Kind.DISTRICT, Kind.REGULATOR, Kind.CITY_OFFICE)


def hazard_menu(kind: str) -> list[dict[str, str]]:
    """The hazard pages of an organisation that keeps or oversees ledgers."""
    menu = [
        {"label": _("Hazard ledger"), "url": reverse("hazards:list")},
        {"label": _("Inspections"), "url": reverse("hazards:inspections:list")},
    ]
    if kind == Kind.ENTERPRISE:
        menu.append({"label": _("Self-reports"), "url": reverse("hazards:selfreports:index")})
    if kind in OFFICES:  # hazards.selfreports.status_views.STATUS_KINDS
        menu.append(
            {"label": _("Self-report filing status"), "url": reverse("hazards:selfreports:status")}
        )
    if kind in (Kind.STREET, Kind.DISTRICT):  # they acknowledge (签收) the reports
        menu.append(
            {"label": _("Self-reports to acknowledge"), "url": reverse("hazards:selfreports:inbox")}
        )
    if kind in OFFICES:  # hazards.enforcement.services.OFFICE_KINDS
        menu.append(
            {
                "label": _("Government inspections"),
                "url": reverse("hazards:enforcement:inspections"),
            }
        )
        menu.append({"label": _("Tip-offs"), "url": reverse("hazards:enforcement:tip_offs")})
    if kind in (Kind.ENTERPRISE, Kind.DISTRICT, Kind.CITY_OFFICE):
        menu.append({"label": _("Listed supervision"), "url": reverse("hazards:supervision:list")})
    return menu
