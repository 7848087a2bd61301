"""The enterprise's scale from its revenue and employees, by the national thresholds
(domain.md §6.3):

- 规模以上工业企业: an industrial enterprise (mining, manufacturing, power, heat, gas and
  water) with an annual main-business revenue of settings.ABOVE_DESIGNATED_SIZE_REVENUE
  (万元; 2000 since 2011, 国家统计局) or more;
- 小微 (small and micro): 工信部联企业〔2011〕300号 《中小企业划型标准规定》, per sector: an
  enterprise is medium or larger when it reaches every one of its sector's medium figures
  (第四条: "从业人员300人及以上，且营业收入2000万元及以上的为中型企业"); below any one of
  them it is small or micro.

The declared scale stays the enterprise's own: a disagreement is a warning, never a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

# The figures the portal holds: annual revenue (万元) and employees. Some sectors of
# 300号 use total assets, which the registry does not record.
REVENUE, EMPLOYEES, ASSETS = "revenue", "employees", "assets"


@dataclass(frozen=True)
class Sector:
    """A sector of 工信部联企业〔2011〕300号 第四条 and its medium-size lower bounds."""

    name: str  # as 300号 names it
    industrial: bool  # 规模以上 applies (统计上的工业)
    medium: dict[str, Decimal]  # figure -> the least a medium enterprise has


def _d(value: int) -> Decimal:
    return Decimal(value)


# 工信部联企业〔2011〕300号 第四条, medium-size lower bounds (revenue and assets in 万元).
SECTORS: dict[str, Sector] = {
    "industry": Sector("工业", True, {EMPLOYEES: _d(300), REVENUE: _d(2000)}),
    "construction": Sector("建筑业", False, {REVENUE: _d(6000), ASSETS: _d(5000)}),
    "wholesale": Sector("批发业", False, {EMPLOYEES: _d(20), REVENUE: _d(5000)}),
    "retail": Sector("零售业", False, {EMPLOYEES: _d(50), REVENUE: _d(500)}),
    "transport": Sector("交通运输业", False, {EMPLOYEES: _d(300), REVENUE: _d(3000)}),
    "warehousing": Sector("仓储业", False, {EMPLOYEES: _d(100), REVENUE: _d(1000)}),
    "accommodation": Sector("住宿业", False, {EMPLOYEES: _d(100), REVENUE: _d(2000)}),
    "catering": Sector("餐饮业", False, {EMPLOYEES: _d(100), REVENUE: _d(2000)}),
    "leasing_business": Sector("租赁和商务服务业", False, {EMPLOYEES: _d(100), ASSETS: _d(8000)}),
    "other": Sector("其他未列明行业", False, {EMPLOYEES: _d(100)}),
}

# The portal's industries (portal/reference INDUSTRIES, domain.md §6.5) → their 300号
# sector, by their GB/T 4754 divisions: B, C and D are 工业. 商贸 spans wholesale, retail,
# warehousing and hotels; its shipped standard names shops and supermarkets first, so it
# is counted as retail. 旅游 (travel agencies, scenic spots), 文化 and 体育 fall under
# 其他未列明行业 (employees only).
INDUSTRY_SECTORS: dict[str, str] = {
    "coal": "industry",
    "non_coal_mining": "industry",
    "hazardous_chemicals": "industry",
    "fireworks": "industry",
    "civil_explosives": "industry",
    "metallurgy": "industry",
    "non_ferrous": "industry",
    "building_materials": "industry",
    "machinery": "industry",
    "light_industry": "industry",
    "textiles": "industry",
    "tobacco": "industry",
    "heat": "industry",
    "gas": "industry",
    "power": "industry",
    "construction": "construction",
    "transport": "transport",
    "commerce": "retail",
    "tourism": "other",
    "culture": "other",
    "sports": "other",
}


def sector_of(industry_code: str | None) -> Sector:
    return SECTORS[INDUSTRY_SECTORS.get(industry_code or "", "other")]


def is_small_micro(sector: Sector, revenue: Decimal | None, employees: int | None) -> bool | None:
    """300号: small or micro when below any one of the sector's medium figures; None
    when the known figures do not decide it."""
    known = {REVENUE: revenue, EMPLOYEES: None if employees is None else Decimal(employees)}
    undecided = False
    for figure, least in sector.medium.items():
        value = known.get(figure)
        if value is None:
            undecided = True
        elif value < least:
            return True
    return None if undecided else False


def derive_scale(
    industry_code: str | None, revenue: Decimal | None, employees: int | None
) -> str | None:
    """The scale the figures give ("above", "below", "small_micro"), or None when they
    do not give one: a figure is missing, or a non-industrial enterprise is medium or
    larger (规模以上 is an industrial threshold; 限额以上 is not used here)."""
    sector = sector_of(industry_code)
    if sector.industrial and revenue is not None:
        if revenue >= Decimal(settings.ABOVE_DESIGNATED_SIZE_REVENUE):
            return "above"
    small = is_small_micro(sector, revenue, employees)
    if small:
        return "small_micro"
    if small is False and sector.industrial:
        return "below"
    return None


def scale_warning(
    industry_code: str | None,
    revenue: Decimal | None,
    employees: int | None,
    declared: str,
) -> str | None:
    """A message when the declared scale disagrees with the figures, else None."""
    from enterprises.models import Enterprise

    derived = derive_scale(industry_code, revenue, employees)
    if not declared:
        return None
    sector = sector_of(industry_code)
    if derived is None:
        # A non-industrial enterprise of medium size or more is not 小微.
        if declared == "small_micro" and is_small_micro(sector, revenue, employees) is False:
            return _(
                "The declared scale is small and micro, but with these figures a %(sector)s "
                "enterprise is of medium size or larger (工信部联企业〔2011〕300号)."
            ) % {"sector": sector.name}
        return None
    if derived == declared:
        return None
    return _(
        "The declared scale is “%(declared)s”, but the revenue and employees give "
        "“%(derived)s” (%(basis)s). Check the figures or the scale."
    ) % {
        "declared": Enterprise.Scale(declared).label,
        "derived": Enterprise.Scale(derived).label,
        "basis": _basis(sector, derived),
    }


def _basis(sector: Sector, derived: str) -> str:
    if derived == "above":
        return _("规模以上工业: main-business revenue of %(revenue)s ten thousand yuan or more") % {
            "revenue": settings.ABOVE_DESIGNATED_SIZE_REVENUE
        }
    figures = "、".join(
        {
            EMPLOYEES: _("%(n)s employees") % {"n": least},
            REVENUE: _("revenue %(n)s ten thousand yuan") % {"n": least},
            ASSETS: _("assets %(n)s ten thousand yuan") % {"n": least},
        }[figure]
        for figure, least in sector.medium.items()
    )
    return _("工信部联企业〔2011〕300号, %(sector)s: medium from %(figures)s") % {
        "sector": sector.name,
        "figures": figures,
    }


def enterprise_scale_warning(enterprise) -> str | None:
    return scale_warning(
        enterprise.industry_id, enterprise.annual_revenue, enterprise.employees, enterprise.scale
    )
