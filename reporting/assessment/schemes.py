"""Assessment schemes: checking a definition, creating a scheme from it, the scheme
that applies to a unit, and the shipped default (the portal's example weights, not
an official scheme: no published Beijing scheme was found, domain.md §7).

A definition is JSON: {"title": …, "indicators": [{"code", "name", "section",
"kind", "metric", "rule", "weight"}, …]}. A definition whose weights do not add up to
100, with an unknown section, metric or rule, or a duplicate code, is refused with
every problem listed and nothing is saved."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import audit
from reporting.assessment.indicators import METRICS
from reporting.assessment.models import Indicator, Scheme
from reporting.assessment.scoring import RULES, IndicatorSpec

TOTAL_WEIGHT = Decimal("100")

# The report's sections, in order (the issue's list; the codes are the definitions' "section").
SECTIONS: dict[str, Any] = {
    "basic": gettext_lazy("Overview"),  # 基本情况
    "targets": gettext_lazy("Target completion"),  # 目标完成
    "compliance": gettext_lazy("Compliance drive"),  # 达标创建
    "certificates": gettext_lazy("Certificate changes"),  # 证书动态
    "hazards": gettext_lazy("Hazard investigation and treatment"),  # 隐患排查治理
    "reviews": gettext_lazy("Review quality"),  # 评审质量
    "accidents": gettext_lazy("Accidents"),  # 事故
    "support": gettext_lazy("Work support"),  # 工作保障
    "scores": gettext_lazy("Scores and ranking"),  # 得分与排名
    "problems": gettext_lazy("Problems and suggestions"),  # 问题与建议
}
# The Chinese headings printed in every report, whatever the reader's language.
SECTION_HEADINGS = {
    "basic": "基本情况",
    "targets": "目标完成",
    "compliance": "达标创建",
    "certificates": "证书动态",
    "hazards": "隐患排查治理",
    "reviews": "评审质量",
    "accidents": "事故",
    "support": "工作保障",
    "scores": "得分与排名",
    "problems": "问题与建议",
}


class SchemeError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _linear(zero: Any, full: Any) -> dict[str, Any]:
    return {"type": "linear", "zero": zero, "full": full}


def _computed(code, name, section, metric, rule, weight) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "section": section,
        "kind": "computed",
        "metric": metric,
        "rule": rule,
        "weight": weight,
    }


def _manual(code, name, weight) -> dict[str, Any]:
    return {"code": code, "name": name, "section": "support", "kind": "manual", "weight": weight}


# The portal's example (README: "the portal's example, not an official scheme").
DEFAULT_INDICATORS: list[dict[str, Any]] = [
    _computed("target", "目标完成率", "targets", "target_completion", _linear(0, 100), 15),
    _computed("rise", "达标率提升", "compliance", "compliance_rise", _linear(0, 5), 10),
    _computed("filing", "自查自报报送率", "hazards", "self_report_filing", _linear(60, 100), 8),
    _computed("on_time", "自查自报按时率", "hazards", "self_report_on_time", _linear(60, 100), 7),
    _computed("rectify", "隐患整改率", "hazards", "hazard_rectification", _linear(80, 100), 10),
    _computed(
        "major", "重大隐患按期销号率", "hazards", "major_closed_on_time", _linear(80, 100), 8
    ),
    _computed(
        "annual", "年度自评完成率", "certificates", "annual_self_assessment", _linear(60, 100), 6
    ),
    _computed(
        "renewal",
        "证书到期未延期",
        "certificates",
        "renewals_missed",
        {"type": "deduct", "per": 1},
        4,
    ),
    _computed(
        "spot", "抽查不合格", "reviews", "spot_check_failures", {"type": "deduct", "per": 1}, 4
    ),
    _computed(
        "revoked", "证书撤销", "certificates", "revocations", {"type": "deduct", "per": 1}, 4
    ),
    _computed("fatal", "亡人事故", "accidents", "fatal_accidents", {"type": "deduct", "per": 2}, 4),
    _manual("organisation", "组织领导", 4),
    _manual("funds", "经费保障", 4),
    _manual("incentives", "激励政策", 4),
    _manual("joint", "联合检查", 4),
    _manual("training", "宣传培训", 4),
]


def default_definition(level: str) -> dict[str, Any]:
    title = (
        "标准化工作考核方案（示例）"
        if level == Scheme.Level.CITY
        else "街道标准化工作考核方案（示例）"
    )
    return {"title": title, "indicators": DEFAULT_INDICATORS}


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def check(definition: Any) -> list[IndicatorSpec]:
    """The definition's indicators; SchemeError listing every problem."""
    problems: list[str] = []
    if not isinstance(definition, dict) or not isinstance(definition.get("indicators"), list):
        raise SchemeError([_("The scheme must be an object with a list of indicators.")])
    if not str(definition.get("title") or "").strip():
        problems.append(_("The scheme needs a title."))
    specs: list[IndicatorSpec] = []
    codes: set[str] = set()
    for number, raw in enumerate(definition["indicators"], start=1):
        if not isinstance(raw, dict):
            problems.append(_("Indicator %(n)d is not an object.") % {"n": number})
            continue
        code = str(raw.get("code") or "").strip()
        where = code or str(number)
        if not code or not code.replace("_", "").replace("-", "").isalnum() or len(code) > 40:
            problems.append(
                _("Indicator %(n)d needs a code of letters and digits.") % {"n": number}
            )
        elif code in codes:
            problems.append(_("The code %(code)s is used twice.") % {"code": code})
        codes.add(code)
        name = str(raw.get("name") or "").strip()
        if not name or len(name) > 100:
            problems.append(
                _("Indicator %(code)s needs a name (at most 100 characters).") % {"code": where}
            )
        section = raw.get("section")
        if section not in SECTIONS:
            problems.append(
                _("Indicator %(code)s: unknown section %(value)s.")
                % {"code": where, "value": section}
            )
        weight = _number(raw.get("weight"))
        if weight is None or weight <= 0 or weight > TOTAL_WEIGHT:
            problems.append(_("Indicator %(code)s needs a weight above 0.") % {"code": where})
            weight = Decimal(0)
        kind = raw.get("kind")
        metric = str(raw.get("metric") or "")
        rule = raw.get("rule") or {}
        if kind == Indicator.Kind.COMPUTED:
            if metric not in METRICS:
                problems.append(
                    _("Indicator %(code)s: unknown metric %(value)s.")
                    % {"code": where, "value": metric or "—"}
                )
            problems += _rule_problems(where, rule)
        elif kind == Indicator.Kind.MANUAL:
            metric, rule = "", {}
        else:
            problems.append(
                _("Indicator %(code)s: the kind must be computed or manual.") % {"code": where}
            )
        specs.append(IndicatorSpec(code, name, str(section), str(kind), weight, metric, rule))
    if not specs:
        problems.append(_("The scheme has no indicators."))
    total = sum((s.weight for s in specs), Decimal(0))
    if total != TOTAL_WEIGHT:
        problems.append(
            _("The weights add up to %(total)s, not 100.") % {"total": f"{total.normalize():f}"}
        )
    if problems:
        raise SchemeError(problems)
    return specs


def _rule_problems(where: str, rule: Any) -> list[str]:
    if not isinstance(rule, dict) or rule.get("type") not in RULES:
        return [_("Indicator %(code)s: the rule must be linear or deduct.") % {"code": where}]
    if rule["type"] == "linear":
        zero, full = _number(rule.get("zero")), _number(rule.get("full"))
        if zero is None or full is None or zero == full:
            return [
                _("Indicator %(code)s: a linear rule needs two different numbers, zero and full.")
                % {"code": where}
            ]
    else:
        per = _number(rule.get("per"))
        if per is None or per <= 0:
            return [
                _("Indicator %(code)s: a deduct rule needs points per unit above 0.")
                % {"code": where}
            ]
    return []


def parse(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError) as error:
        raise SchemeError(
            [_("The scheme is not valid JSON: %(error)s") % {"error": error}]
        ) from None


@transaction.atomic
def create_scheme(*, actor: Any, year: int, level: str, region: Any, definition: Any) -> Scheme:
    """A new scheme from a checked definition; SchemeError and nothing saved otherwise."""
    specs = check(definition)
    if level not in Scheme.Level.values:
        raise SchemeError([_("Unknown level.")])
    if not 2000 <= int(year) <= 2100:
        raise SchemeError([_("The year must lie between 2000 and 2100.")])
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(
                year=year,
                level=level,
                region=region,
                title=str(definition["title"]).strip()[:200],
                created_by=actor,
            )
    except IntegrityError:
        raise SchemeError([_("A scheme for that year and level exists already.")]) from None
    Indicator.objects.bulk_create(
        Indicator(
            scheme=scheme,
            code=s.code,
            name=s.name,
            section=s.section,
            kind=s.kind,
            metric=s.metric,
            rule=dict(s.rule or {}),
            weight=s.weight,
            position=position,
        )
        for position, s in enumerate(specs)
    )
    audit.record(
        actor=actor,
        action="assessment.scheme_created",
        obj=scheme,
        after={"year": year, "level": level},
    )
    return scheme


def definition_of(scheme: Scheme) -> dict[str, Any]:
    return {
        "title": scheme.title,
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "section": i.section,
                "kind": i.kind,
                **(
                    {"metric": i.metric, "rule": i.rule}
                    if i.kind == Indicator.Kind.COMPUTED
                    else {}
                ),
                "weight": float(i.weight),
            }
            for i in scheme.indicators.all()
        ],
    }


def specs_of(scheme: Scheme) -> list[IndicatorSpec]:
    return [
        IndicatorSpec(i.code, i.name, i.section, i.kind, i.weight, i.metric, i.rule)
        for i in scheme.indicators.all()
    ]


def scheme_for(year: int, level: str, region: Any = None) -> Scheme | None:
    """The scheme of the year and level: a district's own, else the city's default."""
    found = Scheme.objects.filter(year=year, level=level)
    if region is not None:
        own = found.filter(region=region).first()
        if own is not None:
            return own
    return found.filter(region__isnull=True).first()
