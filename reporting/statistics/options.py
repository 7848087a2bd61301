"""The statistics filters' option lists (districts, streets, industries), kept in
the cache and written as ``<option>`` tags in Python. They change a few times a
year; read and rendered on every page they cost three queries and more template
work than a small table's figures (bench/README.md, dashboards).

Freshness: every save or delete of a district, street or industry bumps a version
key (``bump``, connected in reporting/apps.py, again after the commit), and the
lists are stored with the version they were read under; a new street is offered
at once wherever the cache is shared (Redis). The entry also expires after
``STATISTICS_OPTIONS_CACHE_SECONDS`` (300): that bounds what a write without
signals (``QuerySet.update``, SQL, a restore) or a per-process cache (locmem, the
embedded mode's web and worker processes) can leave stale."""

from __future__ import annotations

import html
import uuid
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from portal.models import Industry, Region, Street

VERSION_KEY = "statistics:options:version"
LISTS_KEY = "statistics:options:lists"
DEFAULT_SECONDS = 300


class Place(NamedTuple):
    """A district, street or industry as an option: code, names, and for a street
    its id and its district's code and name. A tuple: the cache pickles the
    lists, and plain tuples come back some ten times faster than dataclasses."""

    code: str
    name: str
    name_en: str = ""
    id: int = 0
    region: str = ""
    region_name: str = ""

    def label(self, english: bool) -> str:
        return self.name_en if english and self.name_en else self.name


class Lists(NamedTuple):
    regions: tuple[Place, ...]
    streets: tuple[Place, ...]
    industries: tuple[Place, ...]


def bump(**kwargs: Any) -> None:
    """A district, street or industry changed: the cached lists are old. Bumped
    now (the writer's own transaction, tests) and after the commit, so a reader
    that filled the cache between the two with the uncommitted state's lists
    does not keep them."""
    _new_version()
    transaction.on_commit(_new_version, robust=True)


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    return version


def _read() -> Lists:
    return Lists(
        regions=tuple(
            Place(code, name, name_en)
            for code, name, name_en in Region.objects.order_by("code").values_list(
                "code", "name", "name_en"
            )
        ),
        streets=tuple(
            Place(code, name, name_en, pk, region, region_name)
            for pk, code, name, name_en, region, region_name in Street.objects.order_by(
                "code"
            ).values_list("pk", "code", "name", "name_en", "region_id", "region__name")
        ),
        industries=tuple(
            Place(code, name, name_en)
            for code, name, name_en in Industry.objects.order_by("sort_order", "code").values_list(
                "code", "name", "name_en"
            )
        ),
    )


def lists() -> Lists:
    """The lists of the current version: one cache round trip when fresh."""
    found = cache.get_many([VERSION_KEY, LISTS_KEY])
    version = found.get(VERSION_KEY) or _new_version()
    stored = found.get(LISTS_KEY)
    if stored is not None and stored[0] == version:
        return stored[1]
    fresh = _read()
    seconds = getattr(settings, "STATISTICS_OPTIONS_CACHE_SECONDS", DEFAULT_SECONDS)
    cache.set(LISTS_KEY, (version, fresh), seconds)
    return fresh


def option_tags(pairs: Any, selected: str) -> SafeString:
    """``<option>`` tags of (value, label) pairs, ``selected`` marked (to follow
    an "All" option of the empty value). Escaped as Django's ``escape`` does,
    without its lazy-string wrapper: a district's form has some 60 options."""
    return SafeString(
        "".join(
            f'<option value="{html.escape(str(value))}"'
            f"{' selected' if str(value) == selected else ''}>{html.escape(str(label))}</option>"
            for value, label in pairs
        )
    )


def place_options(user_org: Any, values: Any) -> dict[str, SafeString]:
    """The district, street and industry options in the user's scope: a district
    or street office sees its own district (and its own street); others all
    districts and the streets of the district chosen (and the street chosen)."""
    found = lists()
    english = (get_language() or "").startswith("en")
    district, street = str(values.get("district", "")), str(values.get("street", ""))
    regions: tuple[Place, ...] | list[Place] = found.regions
    if user_org.region_id and user_org.kind in ("district", "street"):
        regions = [r for r in found.regions if r.code == user_org.region_id]
        streets = [s for s in found.streets if s.region == user_org.region_id]
    else:
        streets = [s for s in found.streets if s.region == district or s.code == street]
    if user_org.street_id:
        streets = [s for s in streets if s.id == user_org.street_id]
    return {
        "district_options": option_tags(((r.code, r.label(english)) for r in regions), district),
        "street_options": option_tags(
            ((s.code, f"{s.region_name} · {s.label(english)}") for s in streets),
            street,
        ),
        "industry_options": option_tags(
            ((i.code, i.label(english)) for i in found.industries), str(values.get("industry", ""))
        ),
    }
