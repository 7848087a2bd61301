"""The district's and the street office's dashboards: the district's streets side by
side, the street's enterprises by grade, scale and industry, and the enterprises
without a live certificate."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Certificate
from certification.validity import LIVE
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from portal.models import User
from reporting.dashboards import extras
from reporting.dashboards.common import (
    Section,
    Source,
    cell,
    certificate_tiles,
    chart_section,
    compliance_charts,
    export_url,
    measures_table,
    table_url,
    tiles,
)

# Enterprises without a live certificate listed on the street's dashboard; the
# count links to all of them.
UNCERTIFIED_LIMIT = 10


def uncertified(user: User) -> QuerySet[Enterprise]:
    """Active enterprises in the user's scope holding no live certificate (the
    complement of the compliance table's "compliant")."""
    live = Certificate.objects.filter(
        enterprise_id=OuterRef("pk"), status__in=LIVE, valid_until__gte=timezone.localdate()
    )
    return (
        Enterprise.objects.filter(enterprise_scope(user), status=Enterprise.Status.ACTIVE)
        .filter(~Exists(live))
        .select_related("region", "street", "industry")
        .order_by("name", "pk")
    )


def district(user: User, source: Source) -> list[Section]:
    charts, _total = compliance_charts("streets", _("street or town"), source, "street")
    return [
        *extras.worklist_sections(user),
        *charts,
        certificate_tiles(source, "street"),
        *extras.target_sections(user, source),
        *extras.hazard_sections(source, "street"),
        *extras.trend_sections(user),
    ]


def street(user: User, source: Source) -> list[Section]:
    filters, rows, total = source.stats("compliance", "industry")
    scales = [f"active_{value}" for value, _label in Enterprise.Scale.choices]
    grades = ["live_1", "live_2", "live_3", "live_pass"]
    by_industry = {
        "type": "bar",
        "categories": [r["label"] for r in rows],
        "keys": [r["key"] for r in rows],
        "series": [
            {
                "name": str(_("Active enterprises")),
                "values": [r["active"] for r in rows],
                "urls": [r["links"]["active"] for r in rows],
            },
            {
                "name": str(_("Enterprises with a live certificate")),
                "values": [r["compliant"] for r in rows],
                "urls": [r["links"]["compliant"] for r in rows],
            },
        ],
    }
    return [
        *extras.worklist_sections(user),
        tiles("grades", _("Live certificates by grade"), "compliance", total, grades),
        tiles("scales", _("Active enterprises by scale"), "compliance", total, ["active", *scales]),
        chart_section(
            "industries",
            _("Enterprises by industry"),
            by_industry,
            measures_table("compliance", _("Industry"), rows, total, ("active", "compliant"), True),
            export_url("compliance", filters),
            table_url("compliance", filters),
        ),
        uncertified_section(user),
        certificate_tiles(source, "industry"),
        *extras.target_sections(user, source),
        *extras.trend_sections(user),
    ]


def uncertified_section(user: User) -> Section:
    # The street's names, sorted here: asked for the first names by ORDER BY ... LIMIT,
    # PostgreSQL walks the whole registry's name index looking for the street's
    # (150 ms at city size); a street's few thousand names take a few ms.
    found = sorted(uncertified(user).order_by().values_list("name", "pk"))
    chosen = [pk for _name, pk in found[:UNCERTIFIED_LIMIT]]
    first: list[Any] = []
    if chosen:
        by_pk = Enterprise.objects.select_related("region", "street", "industry").in_bulk(chosen)
        first = [by_pk[pk] for pk in chosen]
    count = len(found)
    more = reverse("dashboards:uncertified")
    return {
        "kind": "table",
        "id": "uncertified",
        "title": _("Enterprises without a live certificate"),
        "count": count,
        "more_url": more,
        "export_url": reverse("dashboards:uncertified_export"),
        "columns": [_("Enterprise"), _("Industry"), _("Scale")],
        "rows": [
            {
                "key": e.pk,
                "cells": [
                    cell(e.name, reverse("enterprises:detail", args=[e.pk])),
                    cell(str(e.industry) if e.industry else None),
                    cell(e.get_scale_display() or None),
                ],
            }
            for e in first
        ],
    }
