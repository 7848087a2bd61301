"""The self-assessment list's search and filters: who may narrow it by what.

An enterprise sees its own self-assessments: it filters by status and
standard. Officials see the submitted ones of the enterprises they oversee:
they search by enterprise name or credit code and filter by standard, and by
district when their scope spans more than one.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet

from enterprises.name_copy import enterprise_search, name_copy_index
from portal.models import OrganisationKind, Region
from portal.paging import CappedIdsPaginator, CappedPaginator, fill_page
from reviews.models import Assessment, Standard
from reviews.selectors import NEWEST_FIRST, standards_visible_to, with_row_counts

PER_PAGE = 50
SEARCH_INDEX = name_copy_index(Assessment._meta.db_table)

FILTER_KEYS = ("q", "status", "standard", "district")
# Organisations whose enterprises lie in one district: a district filter could not narrow.
_ONE_DISTRICT = {OrganisationKind.DISTRICT, OrganisationKind.STREET, OrganisationKind.ENTERPRISE}


def assessment_filters(params, is_enterprise: bool) -> dict[str, str]:
    filters = {key: params.get(key, "").strip()[:100] for key in FILTER_KEYS}
    if is_enterprise:
        filters["q"] = filters["district"] = ""
    else:
        filters["status"] = ""  # officials see submitted self-assessments only
    return filters


def filter_assessments(qs: QuerySet[Assessment], filters: dict[str, str]) -> QuerySet[Assessment]:
    if filters["q"]:
        qs = qs.filter(enterprise_search(filters["q"], SEARCH_INDEX, qs.db))
    if filters["status"] in Assessment.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters["standard"].isdigit():
        qs = qs.filter(version__standard_id=int(filters["standard"]))
    if filters["district"]:  # the row's copy of its enterprise's district
        qs = qs.filter(region_id=filters["district"])
    return qs


def filter_choices(user, visible: QuerySet[Assessment], is_enterprise: bool) -> dict:
    """The choices each shown filter offers: the standards of the enterprise's
    own list, or those an official's list can hold; no district filter for a
    one-district scope."""
    if is_enterprise:  # its own few rows
        standards = Standard.objects.filter(
            pk__in=visible.order_by().values("version__standard_id")
        ).order_by("code")
    else:
        # An official's list spans thousands of enterprises: finding which standards
        # occur in it reads the whole scope, so it offers the standards anyone can
        # be assessed against (a published or retired version).
        standards = standards_visible_to(user).order_by("code")
    return {
        "statuses": Assessment.Status.choices if is_enterprise else [],
        "standards": standards,
        "districts": [] if user.kind in _ONE_DISTRICT else list(Region.objects.all()),
        "search": not is_enterprise,
    }


def assessment_page(qs: QuerySet[Assessment], number: Any, *, searched: bool = False) -> Page:
    """One page of the list, newest first, with each row's answered and total
    criteria (selectors.with_row_counts): the page's ids first, its rows after.

    A search's matches are found together and counted with the page in one query
    (CappedIdsPaginator); without one, the newest first are a walk along the key that
    stops after the page, and the capped count reads the scope in whatever order is
    cheapest: two short queries rather than a walk of 1,001 rows."""
    ids = qs.order_by(*NEWEST_FIRST).values_list("pk", flat=True)
    paginator = CappedIdsPaginator if searched else CappedPaginator
    page = fill_page(
        paginator(ids, PER_PAGE).get_page(number),
        Assessment.objects.select_related("enterprise", "version__standard"),
    )
    with_row_counts(list(page))
    return page
