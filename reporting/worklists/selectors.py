"""One worklist's items for the list page, its export and the API: searched by the
enterprise's name or USCC, filtered by district (city-wide users) or street (a
district, or the city with a district chosen), each shaped as a row (enterprise,
what is due, since when, days overdue, escalated?); and the escalations that
reached an office. Bad filters raise FilterError with a message."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from enterprises.uscc import normalise_uscc
from portal.models import OrganisationKind as Kind
from portal.models import Region, Street, User
from reporting.models import Escalation
from reporting.worklists.registry import BY_NAME, Worklist, items

PAGE_SIZE = 50


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    district: str = ""
    street: str = ""

    def query(self) -> dict[str, str]:
        values = {"q": self.q, "district": self.district, "street": self.street}
        return {key: value for key, value in values.items() if value}


def fixed_district(user: User) -> str | None:
    """The district a district or street office is confined to (None: city-wide)."""
    org = user.organisation
    if org is not None and org.kind in (Kind.DISTRICT, Kind.STREET):
        return org.region_id
    return None


def choices(user: User, district: str = "") -> dict[str, Any]:
    """The filter form's options: districts for city-wide users, the streets of the
    user's (or the chosen) district; a street office filters nothing."""
    org = user.organisation
    assert org is not None  # registry.may_see
    if org.kind == Kind.STREET:
        return {"regions": [], "streets": []}
    region = fixed_district(user) or district
    return {
        "regions": [] if fixed_district(user) else list(Region.objects.order_by("code")),
        "streets": list(Street.objects.filter(region_id=region).order_by("code")) if region else [],
    }


def parse(user: User, params: Any) -> ListFilters:
    q = str(params.get("q", "") or "").strip()[:100]
    district = str(params.get("district", "") or "").strip()
    street = str(params.get("street", "") or "").strip()
    org = user.organisation
    assert org is not None
    if district and (
        fixed_district(user) is not None or not Region.objects.filter(pk=district).exists()
    ):
        raise FilterError(_("Unknown district code: %(value)s.") % {"value": district})
    if street:
        region = fixed_district(user) or district
        if (
            org.kind == Kind.STREET
            or not region
            or not Street.objects.filter(region_id=region, code=street).exists()
        ):
            raise FilterError(_("Unknown street code: %(value)s.") % {"value": street})
    return ListFilters(q=q, district=district, street=street)


def _related(worklist: Worklist) -> list[str]:
    base = worklist.enterprise.rstrip("_")
    return [f"{base}__street" if base else "street", f"{base}__region" if base else "region"]


def filtered(
    worklist: Worklist, user: User, filters: ListFilters, today: datetime.date
) -> QuerySet[Any]:
    """The items in scope, filtered, the longest overdue first."""
    path = worklist.enterprise
    qs = items(worklist, user, today)
    if filters.q:
        code = normalise_uscc(filters.q)
        if len(code) == 18:
            qs = qs.filter(**{path + "uscc": code})
        else:
            qs = qs.filter(
                Q(**{path + "name__icontains": filters.q}) | Q(**{path + "uscc__startswith": code})
            )
    if filters.district:
        qs = qs.filter(**{path + "region_id": filters.district})
    if filters.street:
        qs = qs.filter(**{path + "street__code": filters.street})
    return qs.select_related(*_related(worklist)).order_by("since", "pk")


def enterprise_of(worklist: Worklist, row: Any) -> Enterprise:
    found = row
    for part in filter(None, worklist.enterprise.split("__")):
        found = getattr(found, part)
    assert isinstance(found, Enterprise)
    return found


def shape(worklist: Worklist, row: Any, today: datetime.date) -> dict[str, Any]:
    """A row of the list: what the page, the export and the API show."""
    enterprise = enterprise_of(worklist, row)
    since = worklist.since(row)
    done = worklist.done_on(row)
    return {
        "id": row.pk,
        "enterprise_id": enterprise.pk,
        "enterprise": enterprise.name,
        "uscc": enterprise.uscc,
        "district": enterprise.region.name if enterprise.region else "",
        "street": enterprise.street.name if enterprise.street else "",
        "what": worklist.describe(row),
        "since": since,
        "days_overdue": max(((done or today) - since).days, 0),
        "done_on": done,
        "escalated": bool(row.escalated),
        "url": worklist.link(row),
    }


def worklist_named(name: str) -> Worklist | None:
    return BY_NAME.get(name)


# --- the escalations that reached an office


def escalations_to(user: User) -> QuerySet[Escalation]:
    return Escalation.objects.filter(to_organisation_id=user.organisation_id).select_related(
        "from_organisation"
    )


def escalation_rows(user: User, page: Any) -> list[dict[str, Any]]:
    """The page's escalations with the enterprise of each item where the user still
    sees it: one query per kind of item on the page."""
    wanted: dict[str, set[int]] = {}
    for escalation in page:
        wanted.setdefault(escalation.kind, set()).add(escalation.object_id)
    names: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        worklist = BY_NAME.get(kind)
        if worklist is None:
            continue
        path = worklist.enterprise
        model = worklist.rows(timezone.localdate()).model  # builds no query
        qs = model.objects.filter(pk__in=ids).filter(enterprise_scope(user, path))
        for pk, name in qs.values_list("pk", path + "name"):
            names[(kind, pk)] = name
    rows = []
    for escalation in page:
        worklist = BY_NAME.get(escalation.kind)
        rows.append(
            {
                "escalation": escalation,
                "label": str(worklist.label) if worklist else escalation.kind,
                "url": worklist.url() if worklist else "",
                "enterprise": names.get((escalation.kind, escalation.object_id), ""),
            }
        )
    return rows
