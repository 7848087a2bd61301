"""Building blocks for ledger tests: a catalogue item in force, a hazard recorded."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hazards import services
from hazards.models import CatalogueItem, CatalogueVersion, Hazard, HazardCatalogue

# The smallest valid PNG signature-bearing content and a JPEG one (checked by content).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.4\n% test\n"


def catalogue_item(
    *, industries=(), status: str = CatalogueVersion.Status.PUBLISHED, code: str = "gongmao"
) -> CatalogueItem:
    catalogue, _ = HazardCatalogue.objects.get_or_create(
        code=code, defaults={"name": "工贸企业重大事故隐患判定标准", "sector": "工贸"}
    )
    if industries:
        catalogue.industries.set(industries)
    version = CatalogueVersion.objects.create(
        catalogue=catalogue,
        version=f"v{CatalogueVersion.objects.count() + 1}",
        source="应急管理部令第10号",
        effective_date=datetime.date(2023, 5, 15),
        status=status,
    )
    return CatalogueItem.objects.create(
        version=version,
        code="4.1",
        group="管理类",
        text="未对承包单位、承租单位的安全生产工作统一协调、管理。",
    )


def fields(**overrides) -> dict:
    today = timezone.localdate()
    values = {
        "found_on": today - datetime.timedelta(days=3),
        "source": Hazard.Source.SELF,
        "location": "一号车间冲压线",
        "description": "冲床光电保护装置失效。",
        "category": Hazard.Category.SITE,
        "deadline": today + datetime.timedelta(days=10),
    }
    values.update(overrides)
    return values


def record(cast, *, grade: str = Hazard.Grade.GENERAL, actor=None, **overrides) -> Hazard:
    if grade == Hazard.Grade.MAJOR:
        overrides.setdefault("major_basis", catalogue_item())
        overrides.setdefault("grade", Hazard.Grade.MAJOR)
    return services.hazard_record(
        actor=actor or cast.enterprise, enterprise=cast.ent, **fields(**overrides)
    )
