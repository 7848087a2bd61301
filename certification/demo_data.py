"""The scenario tables of the demo applications (certification/demo.py): the
京城 group's members, the review units' reviewers, and each demo enterprise's
plans (which tier, on which standard, moved how far through the workflow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from certification.models import MaterialKind
from enterprises.demo import DEMO_ENTERPRISE, SHOP_ENTERPRISE, SMALL_ENTERPRISE
from enterprises.models import Enterprise

GROUP = "北京京城机电控股有限责任公司"
STANDARDS = ("gongmao-general", "machinery-level3", "commerce-level3", "small-micro")

# Members of the 京城 group that it applies for: name → (serial, district, scale,
# employees, address, legal representative). Their trade words are not among
# those seed_demo generates names from, so the names stay unique.
MEMBERS = {
    "北京京城海淀数控装备有限公司": (
        800_000_010,
        "110108",
        Enterprise.Scale.ABOVE,
        860,
        "北京市海淀区上地信息路12号",
        "郑国华",
    ),
    "北京京城通州汽车配件有限公司": (
        800_000_011,
        "110112",
        Enterprise.Scale.BELOW,
        240,
        "北京市通州区永乐店镇工业园3号",
        "吴建平",
    ),
    "北京京城丰台重型装备有限公司": (
        800_000_012,
        "110106",
        Enterprise.Scale.ABOVE,
        1450,
        "北京市丰台区南四环西路188号",
        "冯志刚",
    ),
    "北京京城顺义电工装备有限公司": (
        800_000_013,
        "110113",
        Enterprise.Scale.ABOVE,
        620,
        "北京市顺义区林河工业开发区双河路9号",
        "何文静",
    ),
    "北京京城昌平精密铸件有限公司": (
        800_000_014,
        "110114",
        Enterprise.Scale.ABOVE,
        910,
        "北京市昌平区科技园区超前路37号",
        "曹永刚",
    ),
    "北京京城朝阳液压机械有限公司": (
        800_000_015,
        "110105",
        Enterprise.Scale.BELOW,
        310,
        "北京市朝阳区东坝乡东晓景路8号",
        "许志明",
    ),
    # Further along the workflow, all level 3 in 朝阳区 (reviewed by 北京安评).
    "北京京城朝阳起重设备有限公司": (
        800_000_016,
        "110105",
        Enterprise.Scale.BELOW,
        280,
        "北京市朝阳区十八里店乡周庄路6号",
        "贺立新",
    ),
    "北京京城朝阳电机制造有限公司": (
        800_000_017,
        "110105",
        Enterprise.Scale.BELOW,
        350,
        "北京市朝阳区黑庄户乡万子营东路2号",
        "邱建军",
    ),
    "北京京城朝阳阀门制造有限公司": (
        800_000_018,
        "110105",
        Enterprise.Scale.BELOW,
        190,
        "北京市朝阳区金盏乡楼梓庄路15号",
        "蒋红梅",
    ),
    "北京京城朝阳锻压设备有限公司": (
        800_000_019,
        "110105",
        Enterprise.Scale.BELOW,
        420,
        "北京市朝阳区豆各庄乡水牛坊路9号",
        "韩志强",
    ),
    "北京京城朝阳印刷机械有限公司": (
        800_000_020,
        "110105",
        Enterprise.Scale.BELOW,
        260,
        "北京市朝阳区王四营乡观音堂路21号",
        "覃永红",
    ),
    "北京京城朝阳环保设备有限公司": (
        800_000_021,
        "110105",
        Enterprise.Scale.BELOW,
        330,
        "北京市朝阳区将台乡酒仙桥北路5号",
        "邓海燕",
    ),
    # Approved by 朝阳区 as level 3's grading authority, to publish.
    "北京京城朝阳轴承制造有限公司": (
        800_000_022,
        "110105",
        Enterprise.Scale.BELOW,
        240,
        "北京市朝阳区南磨房乡双龙路11号",
        "龚立群",
    ),
    # Level 2, verified by the association: 北京市应急管理局 (demo-regulator)
    # grades machinery level 2 and approves, publishes and announces it.
    "北京京城海淀精工机械有限公司": (
        800_000_023,
        "110108",
        Enterprise.Scale.ABOVE,
        520,
        "北京市海淀区上庄镇永丰路18号",
        "潘志华",
    ),
}

# review unit → [(name, certificate number, specialties)]
REVIEWERS = {
    "北京安评技术服务有限公司": [
        ("王建国", "AQBZ-2026-0001", ["machinery", "metallurgy"]),
        ("陈志远", "AQBZ-2026-0002", ["machinery"]),
        ("林晓梅", "AQBZ-2026-0003", ["machinery", "building_materials"]),
    ],
    "北京华安标准化评审中心有限公司": [
        ("赵明轩", "AQBZ-2026-0004", ["commerce", "light_industry"]),
        ("孙丽娟", "AQBZ-2026-0005", ["commerce", "textiles"]),
    ],
    "北京中安信达安全评价有限公司": [
        ("周海鹏", "AQBZ-2026-0006", ["construction", "transport"]),
        ("吴佳琪", "AQBZ-2026-0007", ["gas", "heat"]),
    ],
    "北京京安安全工程技术有限公司": [
        ("郑国庆", "AQBZ-2026-0008", ["hazardous_chemicals"]),
        ("钱文博", "AQBZ-2026-0009", ["fireworks"]),
    ],
}
ASSIGNED_UNIT = "北京安评技术服务有限公司"
# A recorded conflict of interest, so the suggestions show one: 中安信达 consulted
# for the 三里屯 shop (it is not qualified for commerce either).
CONFLICT = (
    "北京中安信达安全评价有限公司",
    SHOP_ENTERPRISE,
    "2025-03-01",
    "2025年为该企业提供安全生产标准化咨询服务。",
)

MATERIAL_NAMES = {
    MaterialKind.RULES: "安全生产规章制度清单.pdf",
    MaterialKind.ORG_CHART: "安全管理机构及人员名单.pdf",
    MaterialKind.ACCIDENTS: "近三年事故情况说明.pdf",
    MaterialKind.MAJOR_HAZARDS: "重大危险源情况.pdf",
    MaterialKind.SELF_ASSESSMENT_REPORT: "安全生产标准化自评报告.pdf",
}


@dataclass
class Plan:
    """One demo application: who applies, on which self-assessment, which moves."""

    tier: str
    standard: str
    moves: list[tuple[str, str, str]] = field(default_factory=list)  # (move, user, comment)
    submit: bool = True  # False: a draft with some materials missing


# Steps past acceptance. Besides moves, a plan may name the set-up a user
# would do in between (see _step): signing declarations, writing the report,
# a verification batch, a publicity batch, an announcement.
IN_REVIEW = [
    ("accept", "demo-district", ""),
    ("assign", "demo-district", ""),
    ("sign_declarations", "demo-reviewer", ""),
    ("start_review", "demo-reviewer", ""),
]
REPORTED = [
    *IN_REVIEW,
    ("write_report", "demo-reviewer", ""),
    ("submit_report", "demo-reviewer", ""),
]
# Verified by 朝阳区, which as level 3's grading authority (定级部门) then approves.
VERIFIED = [
    *REPORTED,
    ("verification_batch", "demo-district", ""),
    ("verify", "demo-district", ""),
]
APPROVED = [*VERIFIED, ("approve", "demo-district", "")]

# enterprise name → (applying login, plans)
SCENARIOS: dict[str, tuple[str, list[Plan]]] = {
    DEMO_ENTERPRISE: (
        "demo-enterprise",
        [
            Plan("3", "machinery-level3"),
            Plan(
                "2",
                "gongmao-general",
                [
                    (
                        "return",
                        "demo-association",
                        "组织机构图缺少安全管理人员名单，请补充后重新提交。",
                    )
                ],
            ),
            Plan("1", "gongmao-general", submit=False),
        ],
    ),
    SMALL_ENTERPRISE: ("demo-small", [Plan("pass", "small-micro")]),
    SHOP_ENTERPRISE: (
        "demo-shop",
        [
            Plan("3", "commerce-level3", [("accept", "demo-district", "")]),
        ],
    ),
    "北京京城海淀数控装备有限公司": ("demo-group", [Plan("2", "gongmao-general")]),
    "北京京城通州汽车配件有限公司": (
        "demo-group",
        [
            Plan("2", "gongmao-general", [("accept", "demo-association", "")]),
        ],
    ),
    "北京京城顺义电工装备有限公司": ("demo-group", [Plan("1", "gongmao-general")]),
    "北京京城丰台重型装备有限公司": (
        "demo-group",
        [
            Plan(
                "1",
                "gongmao-general",
                [("forward_national", "demo-city", "材料齐全，报送应急管理部。")],
            ),
        ],
    ),
    "北京京城昌平精密铸件有限公司": (
        "demo-group",
        [
            Plan(
                "1",
                "gongmao-general",
                [
                    ("forward_national", "demo-city", ""),
                    ("record_national_result", "demo-city", ""),
                ],
            ),
        ],
    ),
    "北京京城朝阳液压机械有限公司": (
        "demo-group",
        [
            Plan(
                "3",
                "machinery-level3",
                [("accept", "demo-district", ""), ("assign", "demo-district", "")],
            ),
        ],
    ),
    "北京京城朝阳起重设备有限公司": ("demo-group", [Plan("3", "machinery-level3", IN_REVIEW)]),
    "北京京城朝阳电机制造有限公司": (
        "demo-group",
        [
            Plan(
                "3",
                "machinery-level3",
                [
                    *IN_REVIEW,
                    ("add_finding", "demo-reviewer", ""),
                    (
                        "request_rectification",
                        "demo-reviewer",
                        "起重机械定期检验记录不全，请补齐检验报告并完善台账。",
                    ),
                ],
            )
        ],
    ),
    "北京京城朝阳阀门制造有限公司": ("demo-group", [Plan("3", "machinery-level3", REPORTED)]),
    "北京京城朝阳锻压设备有限公司": ("demo-group", [Plan("3", "machinery-level3", VERIFIED)]),
    "北京京城朝阳轴承制造有限公司": ("demo-group", [Plan("3", "machinery-level3", APPROVED)]),
    "北京京城朝阳印刷机械有限公司": (
        "demo-group",
        [Plan("3", "machinery-level3", [*APPROVED, ("publicity", "demo-district", "")])],
    ),
    "北京京城朝阳环保设备有限公司": (
        "demo-group",
        [
            Plan(
                "3",
                "machinery-level3",
                [
                    *APPROVED,
                    ("publicity", "demo-district", ""),
                    ("publicity_over", "demo-district", ""),
                    ("announcement", "demo-district", ""),
                ],
            )
        ],
    ),
    "北京京城海淀精工机械有限公司": (
        "demo-group",
        [
            Plan(
                "2",
                "gongmao-general",
                [
                    ("accept", "demo-association", ""),
                    ("assign", "demo-association", ""),
                    ("sign_declarations", "demo-reviewer", ""),
                    ("start_review", "demo-reviewer", ""),
                    ("write_report", "demo-reviewer", ""),
                    ("submit_report", "demo-reviewer", ""),
                    ("verification_batch", "demo-association", ""),
                    ("verify", "demo-association", ""),
                ],
            )
        ],
    ),
}

# Points lost in each demo self-assessment, on its first few criteria that can be
# partly met: realistic scores, still above every tier applied for.
DEDUCTIONS = [Decimal("1"), Decimal("2"), Decimal("1")]
PDF = b"%PDF-1.4\n% demo material of the Work Safety Standardization Portal\n%%EOF\n"
