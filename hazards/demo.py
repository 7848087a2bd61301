"""Demonstration hazards for ``manage.py seed_demo``: the ledgers of demo-enterprise
and demo-small hold a hazard in every state, so that every page and worklist of the
ledger has something to show.

Everything goes through the real services (hazards.services.hazard_record, perform),
so numbers, timelines and the audit log are what users would have made. Keyed by
description: a hazard whose enterprise already has one with the same description is
left alone, so running seed_demo again creates nothing new.

The major hazard needs the 工贸 major-hazard catalogue (``manage.py
load_hazard_catalogues``); without it that one hazard is skipped with a note.

For each of the two enterprises (dates count back from the day of seeding):

===================  ========================================================
pending              general, found 3 days ago, due in 27 days
in progress          general, found 10 days ago, due in 20 days
awaiting acceptance  general, rectified by the enterprise's admin
closed               general, rectified by the admin, accepted by the
                     enterprise's safety officer (a second demo user)
overdue              general, in progress, due 10 days ago
major, 治理中         cites item 7.1 of the 工贸 catalogue; plan approved by the admin
===================  ========================================================
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from enterprises.demo import DEMO_ENTERPRISE, PASSWORD, SMALL_ENTERPRISE
from enterprises.models import Enterprise
from hazards import services
from hazards.enforcement import demo as enforcement_demo
from hazards.inspections import demo as inspections_demo
from hazards.models import CatalogueItem, CatalogueVersion, Hazard
from hazards.selfreports import demo as selfreports_demo
from hazards.supervision import demo as supervision_demo
from portal import audit
from portal.models import User

CATALOGUE = "gongmao"
MAJOR_ITEM = "7.1"

# enterprise name -> (admin login, second login, the second user's name)
ENTERPRISES = {
    DEMO_ENTERPRISE: ("demo-enterprise", "demo-enterprise-safety", "李强"),
    SMALL_ENTERPRISE: ("demo-small", "demo-small-safety", "马丽"),
}


@dataclass(frozen=True)
class Plan:
    description: str
    location: str
    found: int  # days ago
    due: int  # days from the day found
    moves: tuple[str, ...] = ()  # start, rectify, accept; or approve_plan, start_treatment
    category: str = Hazard.Category.SITE
    source: str = Hazard.Source.SELF
    major: bool = False


PLANS = (
    Plan("车间东侧消防通道堆放原材料，通道宽度不足。", "一号车间东侧通道", 3, 30),
    Plan(
        "冲床光电保护装置失效，未及时维修。",
        "二号车间 J23-40 冲床",
        10,
        30,
        ("start",),
    ),
    Plan(
        "配电箱门未关闭，箱内电缆绝缘层破损。",
        "机加工车间 3# 配电箱",
        20,
        30,
        ("start", "rectify"),
    ),
    Plan(
        "新入职员工三级安全教育记录不全。",
        "安全管理部",
        40,
        20,
        ("start", "rectify", "accept"),
        category=Hazard.Category.MANAGEMENT,
        source=Hazard.Source.PRINCIPAL,
    ),
    Plan(
        "行车钢丝绳断丝超标，未按期更换。",
        "装配车间 5t 桥式起重机",
        40,
        30,
        ("start",),
        source=Hazard.Source.ENFORCEMENT,
    ),
    Plan(
        "热处理淬火油槽未设置超温报警和自动灭火装置。",
        "热处理车间淬火油槽",
        15,
        60,
        ("approve_plan", "start_treatment"),
        major=True,
    ),
)


def _second_user(result: Any, admin: User, username: str, full_name: str) -> User:
    """The enterprise's safety officer, who accepts what the admin rectified."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        organisation=admin.organisation,
        role=User.Role.STAFF,
        first_name=full_name,
        email=f"{username}@demo.anquan.example",
    )
    user.set_password(PASSWORD)
    user.save()
    audit.record(
        actor=None,
        action="user.create",
        obj=user,
        after={
            "username": username,
            "organisation": admin.organisation_id,
            "role": user.role,
            "source": "seed_demo",
        },
    )
    result.note("users", True)
    return user


def _major_basis() -> CatalogueItem | None:
    return (
        CatalogueItem.objects.filter(
            version__catalogue__code=CATALOGUE,
            version__status=CatalogueVersion.Status.PUBLISHED,
            code=MAJOR_ITEM,
        )
        .order_by("-version__effective_date")
        .first()
    )


def _seed(plan: Plan, enterprise: Enterprise, admin: User, second: User, basis: Any) -> None:
    today = timezone.localdate()
    found_on = today - datetime.timedelta(days=plan.found)
    hazard = services.hazard_record(
        actor=admin,
        enterprise=enterprise,
        found_on=found_on,
        source=plan.source,
        location=plan.location,
        description=plan.description,
        category=plan.category,
        deadline=found_on + datetime.timedelta(days=plan.due),
        responsible_person=admin.first_name,
        **({"major_basis": basis} if plan.major else {}),
    )
    for move in plan.moves:
        if move == "rectify":
            services.perform(
                actor=admin,
                hazard=hazard,
                move="submit_for_acceptance",
                completed_on=found_on + datetime.timedelta(days=min(plan.found, 5)),
                measures="已按要求整改完毕，现场复查合格。",
            )
        elif move == "accept":
            services.perform(
                actor=second, hazard=hazard, move="accept", comment="现场验收合格，同意销号。"
            )
        elif move == "approve_plan":
            supervision_demo.report_and_plan(hazard, admin, second)
            services.perform(
                actor=admin,
                hazard=hazard,
                move="approve_plan",
                comment="治理方案已审定：停用油槽，加装超温报警与自动灭火装置。",
            )
        else:
            services.perform(actor=admin, hazard=hazard, move=move)


def seed_demo_hazards(result: Any) -> None:
    """Called by ``manage.py seed_demo`` after the demo applications (in its transaction)."""
    basis = _major_basis()
    if basis is None:
        print(
            "Demo major hazard skipped: the 工贸 major-hazard catalogue is not loaded. "
            "Run `manage.py load_hazard_catalogues`, then seed_demo again."
        )
    for name, (login, second_login, second_name) in ENTERPRISES.items():
        admin = User.objects.filter(username=login).select_related("organisation").first()
        if admin is None or admin.organisation is None:
            continue
        enterprise = Enterprise.objects.filter(account=admin.organisation, name=name).first()
        if enterprise is None or enterprise.status != Enterprise.Status.ACTIVE:
            continue
        second = _second_user(result, admin, second_login, second_name)
        for plan in PLANS:
            if plan.major and basis is None:
                continue
            if Hazard.objects.filter(enterprise=enterprise, description=plan.description).exists():
                continue  # seeded before
            _seed(plan, enterprise, admin, second, basis)
            result.note("hazards", True)
    inspections_demo.seed_demo_inspections(result)
    supervision_demo.seed_supervision(result)
    selfreports_demo.seed_demo_selfreports(result)
    enforcement_demo.seed_demo_enforcement(result)
