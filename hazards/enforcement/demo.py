"""Demonstration government inspections and tip-offs for ``manage.py seed_demo``:

- demo-district inspected demo-enterprise 20 days ago and ordered two items rectified
  within 30 days; demo-enterprise rectified the first and demo-district's review
  closed it, the second is still being rectified (it did not pass the review);
- demo-street received an anonymous tip-off about demo-enterprise, confirmed into a
  hazard (source 举报), and a named one it has not handled yet.

Everything goes through the real services. Keyed by the order number and by the
tip-offs' content: running seed_demo again creates nothing new.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from enterprises.demo import DEMO_ENTERPRISE
from enterprises.models import Enterprise
from hazards import services as ledger
from hazards.enforcement import services
from hazards.models import GovernmentInspection, Hazard, TipOff
from portal.models import User

ORDER_NUMBER = "朝应急责改〔演示〕1号"
ANONYMOUS = "夜间在焊接车间违规动火，无人监护。"
NAMED = "成品库房消防通道被原材料堵塞。"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("organisation").first()


def seed_demo_enforcement(result: Any) -> None:
    """Called by hazards.demo.seed_demo_hazards, after the ledger's demo users exist."""
    district, street = _user("demo-district"), _user("demo-street")
    admin, safety = _user("demo-enterprise"), _user("demo-enterprise-safety")
    enterprise = Enterprise.objects.filter(name=DEMO_ENTERPRISE).first()
    if None in (district, street, admin, safety, enterprise):
        return
    assert district and street and admin and safety and enterprise  # for the type checker
    today = timezone.localdate()
    if not GovernmentInspection.objects.filter(order_number=ORDER_NUMBER).exists():
        _inspection(district, admin, safety, enterprise, today)
        result.note("government inspections", True)
    if not TipOff.objects.filter(enterprise=enterprise, content=ANONYMOUS).exists():
        tip_off = services.tip_off_receive(
            actor=street,
            enterprise=enterprise,
            received_on=today - datetime.timedelta(days=6),
            content=ANONYMOUS,
            anonymous=True,
        )
        services.tip_off_confirm(
            actor=street,
            tip_off=tip_off,
            outcome="经现场核查属实，已责令立即整改。",
            found_on=today - datetime.timedelta(days=5),
            location="焊接车间",
            description="动火作业未办理审批，现场无监护人。",
            category=Hazard.Category.MANAGEMENT,
            deadline=today + datetime.timedelta(days=5),
        )
        result.note("tip-offs", True)
    if not TipOff.objects.filter(enterprise=enterprise, content=NAMED).exists():
        services.tip_off_receive(
            actor=street,
            enterprise=enterprise,
            received_on=today - datetime.timedelta(days=1),
            content=NAMED,
            anonymous=False,
            reporter_name="刘先生",
            reporter_contact="13800138000",
        )


def _inspection(
    district: User, admin: User, safety: User, enterprise: Enterprise, today: datetime.date
) -> None:
    inspection = services.inspection_record(
        actor=district,
        enterprise=enterprise,
        inspected_on=today - datetime.timedelta(days=20),
        inspectors="李卫东、赵晓燕",
        summary="对企业开展安全生产执法检查，发现两项事故隐患。",
        order_number=ORDER_NUMBER,
        order_deadline=today + datetime.timedelta(days=10),
        items=[
            {
                "location": "配电室",
                "description": "配电柜前未铺设绝缘胶垫。",
                "category": Hazard.Category.SITE,
                "basis": "GB 50054-2011 第4.2.5条",
            },
            {
                "location": "危险化学品暂存间",
                "description": "安全技术说明书未张贴，未设置警示标志。",
                "category": Hazard.Category.MANAGEMENT,
            },
        ],
    )
    first, second = Hazard.objects.filter(order_item__inspection=inspection).order_by("pk")
    for row in (first, second):
        ledger.perform(actor=admin, hazard=row, move="start")
    ledger.perform(
        actor=safety,
        hazard=first,
        move="submit_for_acceptance",
        completed_on=today - datetime.timedelta(days=3),
        measures="已在配电柜前铺设绝缘胶垫。",
    )
    services.order_review(
        actor=district,
        inspection=inspection,
        review_number="朝应急复查〔演示〕1号",
        reviewed_on=today - datetime.timedelta(days=1),
        opinion="配电室隐患已整改合格；危险化学品暂存间隐患尚未整改，继续整改。",
    )
