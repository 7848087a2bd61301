"""Scoped reads of the hazard ledger."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import F, Q, QuerySet

from enterprises.models import Enterprise
from hazards.models import CatalogueItem, CatalogueVersion, Hazard
from hazards.registry_sync import hazard_scope
from portal.text_search import GramsIndex, PlaceFragment, TextFragment

# The ledger's description search: walks follow the list's order (newest found first).
DESCRIPTION_GRAMS = GramsIndex(name="hazard_description_grams_idx", order="found_on")


def hazard_matches(search: str, using: str = "default") -> Q:
    """Hazards whose number or description contains ``search`` (case-insensitive).
    A number is a credit code, a year and a sequence, all ASCII: a fragment with any
    other character (Chinese) can only be in the description, which its grams index
    serves (hazards migration 0012) instead of a scan of the whole ledger. An ASCII
    fragment may be in either; the number has no index for it, so both are tested
    row by row with LIKE."""
    if search.isascii() or connections[using].vendor != "postgresql":
        return Q(number__icontains=search) | Q(description__icontains=search)
    return Q(TextFragment(F("description"), fragment=search, index=DESCRIPTION_GRAMS))


def district_matches(search: str, district: str, using: str = "default") -> Q | None:
    """``hazard_matches`` for the hazards of district ``district``'s enterprises, through
    the district's own grams (hazards migration 0014): what a district's capped count
    reads. None where that index does not serve (ASCII, SQLite)."""
    if search.isascii() or connections[using].vendor != "postgresql":
        return None
    return Q(
        PlaceFragment(F("description"), F("enterprise_region_id"), fragment=search, place=district)
    )


def hazards_visible_to(user: Any, qs: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """Whoever sees the enterprise in the registry sees its hazards (the enterprise its
    own, a group its members', a district its district's, a regulator its industries',
    the city office all); a district by the hazard's copy of its enterprise's district
    (hazards.registry_sync.hazard_scope)."""
    return qs.filter(hazard_scope(user))


# --------------------------------------------------------------------------
# The major-hazard catalogues (重大事故隐患判定标准): readable by every logged-in user.


def catalogue_items(
    qs: QuerySet[CatalogueItem], *, q: str = "", group: str = "", section: str = ""
) -> QuerySet[CatalogueItem]:
    """Items narrowed by a search word (code or text) and by group and section."""
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(text__icontains=q))
    if group:
        qs = qs.filter(group=group)
    if section:
        qs = qs.filter(section=section)
    return qs


def items_for(enterprise: Enterprise) -> QuerySet[CatalogueItem]:
    """The situations a hazard of this enterprise may cite as its 判定依据: the items of
    the versions in force of the catalogues written for its industry or for all."""
    fits = Q(version__catalogue__industries__isnull=True)
    if enterprise.industry_id:
        fits |= Q(version__catalogue__industries=enterprise.industry_id)
    return (
        CatalogueItem.objects.filter(fits, version__status=CatalogueVersion.Status.PUBLISHED)
        .select_related("version__catalogue")
        .order_by("version__catalogue__code", "order", "pk")
        .distinct()
    )
