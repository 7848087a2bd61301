"""Building blocks for the inspection and tip-off tests: an order of two items of
the cast's enterprise by 朝阳区, a named tip-off received by 建外街道."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hazards.enforcement import services
from hazards.models import GovernmentInspection, Hazard, TipOff

REPORTER = "举报人王秘密"
CONTACT = "13900001111"


def item(**overrides) -> dict:
    values = {
        "location": "二号库房",
        "description": "灭火器过期未更换。",
        "category": Hazard.Category.SITE,
    }
    values.update(overrides)
    return values


def order(cast, *, actor=None, number: str = "朝应急责改〔2026〕1号", items=None, **overrides):
    today = timezone.localdate()
    values = {
        "inspected_on": today - datetime.timedelta(days=2),
        "inspectors": "张三、李四",
        "summary": "现场检查发现两处隐患。",
        "order_number": number,
        "order_deadline": today + datetime.timedelta(days=10),
        "items": items if items is not None else [item(), item(location="配电室")],
    }
    values.update(overrides)
    return services.inspection_record(actor=actor or cast.district, enterprise=cast.ent, **values)


def rows(inspection: GovernmentInspection) -> list[Hazard]:
    return list(Hazard.objects.filter(order_item__inspection=inspection).order_by("pk"))


def named_tip_off(cast, *, actor=None) -> TipOff:
    return services.tip_off_receive(
        actor=actor or cast.street,
        enterprise=cast.ent,
        received_on=timezone.localdate(),
        content="仓库堆放易燃物品，消防通道被堵。",
        anonymous=False,
        reporter_name=REPORTER,
        reporter_contact=CONTACT,
    )
