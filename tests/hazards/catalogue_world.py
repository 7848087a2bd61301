"""A small major-hazard catalogue for tests that need one (the URL matrix)."""

from __future__ import annotations

import datetime

from hazards.models import CatalogueItem, CatalogueVersion, HazardCatalogue


def catalogue_item() -> CatalogueItem:
    catalogue, _ = HazardCatalogue.objects.get_or_create(
        code="matrix-cat", defaults={"name": "测试判定标准", "sector": "工贸"}
    )
    version, _ = CatalogueVersion.objects.get_or_create(
        catalogue=catalogue,
        version="1",
        defaults={"source": "测试令第1号", "effective_date": datetime.date(2023, 5, 15)},
    )
    item, _ = CatalogueItem.objects.get_or_create(
        version=version, code="3.1", defaults={"group": "管理类", "text": "情形"}
    )
    return item
