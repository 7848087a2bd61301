"""Building the assessment reports: the units of a level, their frozen snapshot
figures, the scores and ranking, the report data (JSON, hashed), and the files
(PDF through the portal's WeasyPrint pipeline, xlsx with one sheet per table).

A report reads only MetricSnapshot rows (a handful per unit, one query for every
unit of the level) and never the enterprises, so its cost does not grow with the
registry. The report is an official document in Chinese: headings and row labels
are Chinese whatever the reader's language."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.models import Industry, Region, Street
from reporting.assessment import schemes, scoring, svg
from reporting.assessment.indicators import METRICS, Figures
from reporting.assessment.models import AssessmentReport, Scheme
from reporting.assessment.units import BREAKDOWN, snapshots
from reporting.assessment.units import AssessedUnit as AssessedUnit
from reporting.assessment.units import ReportError as ReportError
from reporting.assessment.units import units as units
from reporting.models import Target
from reporting.snapshots import periods

Unit = AssessmentReport.UnitKind
BREAKDOWN_HEADING = {"street": "街道（乡镇）", "district": "区", "industry": "行业"}
PERIOD_KINDS = (periods.QUARTER, periods.YEAR)

# Each section's figures: (snapshot metric, Chinese label).
SECTION_FIGURES: dict[str, list[tuple[str, str]]] = {
    "basic": [
        ("compliance.active", "在册企业"),
        ("compliance.active_above", "规模以上"),
        ("compliance.active_below", "规模以下"),
        ("compliance.active_small_micro", "小微企业"),
        ("compliance.live_1", "一级"),
        ("compliance.live_2", "二级"),
        ("compliance.live_3", "三级"),
        ("compliance.live_pass", "小微达标"),
        ("compliance.compliant", "达标企业"),
        ("compliance.rate", "达标率（%）"),
    ],
    "compliance": [
        ("compliance.new", "新增达标"),
        ("compliance.revoked", "撤销"),
        ("compliance.expired_unrenewed", "到期未延期"),
    ],
    "certificates": [
        ("certificates.expiring_30", "30日内到期"),
        ("certificates.expiring_60", "60日内到期"),
        ("certificates.expiring_90", "90日内到期"),
        ("certificates.renewal_due", "进入复评期未申请"),
        ("certificates.suspended", "暂停"),
        ("certificates.revoked", "期内撤销"),
        ("certificates.flagged", "待撤销审查"),
        ("certificates.annual_overdue", "年度自评逾期"),
    ],
    "hazards": [
        ("hazards.reports_due", "应报自查自报"),
        ("hazards.reports_filed", "已报"),
        ("hazards.reports_on_time", "按时"),
        ("hazards.reports_late", "逾期报送"),
        ("hazards.reports_missing", "未报"),
        ("hazards.found", "排查隐患"),
        ("hazards.rectified", "已整改"),
        ("hazards.rectification_rate", "整改率（%）"),
        ("hazards.major_found", "重大隐患"),
        ("hazards.major_closed", "重大隐患销号"),
        ("hazards.major_overdue", "重大隐患逾期"),
    ],
    "reviews": [
        ("reviews.received", "受理申请"),
        ("reviews.accepted", "已受理"),
        ("reviews.returned", "退回"),
        ("reviews.spot_checks_drawn", "抽查"),
        ("reviews.spot_checks_failed", "抽查不合格"),
        ("reviews.objections_upheld", "异议成立"),
    ],
    "accidents": [
        ("accidents.accidents", "事故起数"),
        ("accidents.fatal", "亡人事故"),
        ("accidents.certified", "达标企业事故"),
    ],
}
BREAKDOWN_FIGURES = [
    ("compliance.active", "在册企业"),
    ("compliance.compliant", "达标企业"),
    ("compliance.rate", "达标率（%）"),
]
BULLETIN_HEADINGS: dict[str, str] = {
    Unit.DISTRICT: "各区",
    Unit.REGULATOR: "行业管理部门",
    Unit.STREET: "各街道（乡镇）",
    Unit.DEPARTMENT: "区行业管理部门",
}
PERIOD_TEXT = {periods.QUARTER: "季度", periods.YEAR: "年度"}


def check_period(period_kind: str, period_code: str, today: datetime.date) -> periods.Period:
    if period_kind not in PERIOD_KINDS:
        raise ReportError(_("Reports are quarterly or annual."))
    try:
        period = periods.parse(period_kind, period_code)
    except ValueError:
        raise ReportError(
            _("Unknown period: %(value)s.") % {"value": str(period_code)[:20]}
        ) from None
    if period.end >= today:
        raise ReportError(
            _("The period %(code)s has not closed yet: its snapshot is not frozen.")
            % {"code": period.code}
        )
    return period


def _names(chosen_rows: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Names of the breakdown keys: streets, districts, industries (one query each)."""
    by_dimension: dict[str, set[str]] = defaultdict(set)
    for dimension, key in chosen_rows:
        by_dimension[dimension].add(key)
    names: dict[tuple[str, str], str] = {}
    if by_dimension.get("street"):
        for code, name in Street.objects.filter(code__in=by_dimension["street"]).values_list(
            "code", "name"
        ):
            names[("street", code)] = name
    if by_dimension.get("district"):
        for code, name in Region.objects.filter(pk__in=by_dimension["district"]).values_list(
            "pk", "name"
        ):
            names[("district", code)] = name
    if by_dimension.get("industry"):
        for pk, name in Industry.objects.values_list("pk", "name"):
            names[("industry", str(pk))] = name
    return names


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _problems(scored: list[scoring.Scored]) -> list[str]:
    """The indicators that lost more than 40 % of their weight, worst first."""
    weak = [s for s in scored if s.weight and s.score < s.weight * Decimal("0.6")]
    weak.sort(key=lambda s: s.score / s.weight)
    lines = []
    for s in weak:
        lines.append(
            f"{s.name}得分{s.score}（满分{s.weight.normalize():f}），"
            + (
                "未录入评分，请补充佐证材料。"
                if s.kind == "manual"
                else "快照中无此项数据。"
                if s.value is None
                else "建议针对该项加强督导。"
            )
        )
    return lines


def build_level(
    scheme: Scheme,
    chosen: list[AssessedUnit],
    period: periods.Period,
    manual: dict[tuple[str, str], dict[str, Decimal]],
    previous_ranks: dict[tuple[str, str], int],
) -> dict[tuple[str, str], dict[str, Any]]:
    """The report data of every unit of the level, ranked within its kind."""
    found = snapshots(chosen, period)
    # A unit without a frozen snapshot of the period gets no report and no rank.
    chosen = [u for u in chosen if found[(u.kind, u.key)]["current"] is not None]
    if not chosen:
        raise ReportError(
            _("No frozen snapshot of %(code)s for these units: run the nightly snapshot first.")
            % {"code": period.code}
        )
    specs = schemes.specs_of(scheme)
    scored: dict[tuple[str, str], tuple[list[scoring.Scored], Decimal]] = {}
    for unit in chosen:
        snap = found[(unit.kind, unit.key)]
        figures = Figures(snap["current"] or {}, snap["previous"], snap["targets"])
        scored[(unit.kind, unit.key)] = scoring.score(
            specs, figures, manual.get((unit.kind, unit.key), {})
        )
    ranks: dict[tuple[str, str], int] = {}
    for kind in {u.kind for u in chosen}:
        ranked = scoring.rank({u.key: scored[(u.kind, u.key)][1] for u in chosen if u.kind == kind})
        ranks.update({(kind, key): place for key, place in ranked.items()})
    rankings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for unit in chosen:
        place = ranks[(unit.kind, unit.key)]
        before = previous_ranks.get((unit.kind, unit.key))
        rankings[unit.kind].append(
            {
                "key": unit.key,
                "name": unit.name,
                "total": f"{scored[(unit.kind, unit.key)][1]}",
                "rank": place,
                "change": None if before is None else before - place,
            }
        )
    for ranked_rows in rankings.values():
        ranked_rows.sort(key=lambda r: (r["rank"], r["key"]))
    target_titles = dict(Target.objects.values_list("pk", "title"))
    names = _names(
        (BREAKDOWN[u.kind], key) for u in chosen for key, _f in found[(u.kind, u.key)]["rows"]
    )
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for unit in chosen:
        snap = found[(unit.kind, unit.key)]
        rows, total = scored[(unit.kind, unit.key)]
        figures = Figures(snap["current"], snap["previous"], snap["targets"])
        dimension = BREAKDOWN[unit.kind]
        out[(unit.kind, unit.key)] = {
            "scheme": {
                "id": scheme.pk,
                "title": scheme.title,
                "year": scheme.year,
                "example": scheme.is_example,
            },
            "unit": {"kind": unit.kind, "key": unit.key, "name": unit.name},
            "period": {
                "kind": period.kind,
                "code": period.code,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "previous": period.previous().code,
            },
            "as_of": snap["as_of"].isoformat(),
            "figures": snap["current"],
            "previous": snap["previous"],
            "metrics": {name: metric.compute(figures) for name, metric in METRICS.items()},
            "targets": [
                {
                    "id": key,
                    "title": target_titles.get(int(key), key) if key.isdigit() else key,
                    **{k: _number(v) for k, v in value.items()},
                }
                for key, value in sorted(snap["targets"].items())
            ],
            "breakdown": {
                "dimension": dimension,
                "rows": [
                    {
                        "key": key,
                        "name": names.get((dimension, key), key),
                        **{m: fig.get(m) for m, _label in BREAKDOWN_FIGURES},
                    }
                    for key, fig in sorted(snap["rows"])
                ],
            },
            "scores": [
                {
                    "code": s.code,
                    "name": s.name,
                    "section": s.section,
                    "kind": s.kind,
                    "weight": f"{s.weight}",
                    "value": s.value,
                    "score": f"{s.score}",
                }
                for s in rows
            ],
            "total": f"{total}",
            "rank": ranks[(unit.kind, unit.key)],
            "ranked_among": len(rankings[unit.kind]),
            "ranking": rankings[unit.kind],
            "problems": _problems(rows),
        }
    return out


def content_hash(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- files ------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def sections(report: AssessmentReport) -> list[dict[str, Any]]:
    """The report's ten sections as tables (title, header, rows) and charts: what the
    PDF prints and the xlsx holds, cell for cell."""
    data = report.data
    figures = data["figures"]
    previous = data.get("previous") or {}
    scores = data["scores"]
    manual = {m.indicator.code: m for m in report.manual_scores.select_related("indicator")}

    def figure_table(section: str) -> list[list[Any]]:
        return [
            [label, figures.get(metric), previous.get(metric)]
            for metric, label in SECTION_FIGURES[section]
        ]

    def score_rows(section: str) -> list[list[Any]]:
        return [
            [s["name"], _fmt(s["value"]), s["weight"], s["score"]]
            for s in scores
            if s["section"] == section
        ]

    head_figures = ["指标", "本期", "上期"]
    head_scores = ["考核指标", "数值", "分值", "得分"]
    out: list[dict[str, Any]] = []

    def add(
        code: str,
        tables: list[dict[str, Any]],
        charts: list[str] | None = None,
        text: list[str] | None = None,
    ):
        out.append(
            {
                "code": code,
                "heading": schemes.SECTION_HEADINGS[code],
                "tables": [t for t in tables if t["rows"]],
                "charts": charts or [],
                "text": text or [],
            }
        )

    add("basic", [{"title": "基本情况", "head": head_figures, "rows": figure_table("basic")}])
    add(
        "targets",
        [
            {
                "title": "目标完成情况",
                "head": ["目标", "应达标企业", "已达标", "完成率（%）"],
                "rows": [
                    [t["title"], t.get("population"), t.get("reached"), t.get("rate")]
                    for t in data["targets"]
                ],
            },
            {"title": "目标完成得分", "head": head_scores, "rows": score_rows("targets")},
        ],
    )
    dimension = data["breakdown"]["dimension"]
    breakdown_rows = [
        [row["name"], *[row.get(m) for m, _l in BREAKDOWN_FIGURES]]
        for row in data["breakdown"]["rows"]
    ]
    chart = (
        svg.bar_chart(
            [(row["name"], row.get("compliance.rate")) for row in data["breakdown"]["rows"]],
            title=f"各{BREAKDOWN_HEADING[dimension]}达标率（%）",
            maximum=100,
            unit="%",
        )
        if breakdown_rows
        else ""
    )
    add(
        "compliance",
        [
            {"title": "达标创建", "head": head_figures, "rows": figure_table("compliance")},
            {
                "title": f"分{BREAKDOWN_HEADING[dimension]}达标情况",
                "head": [BREAKDOWN_HEADING[dimension], *[label for _m, label in BREAKDOWN_FIGURES]],
                "rows": breakdown_rows,
            },
            {"title": "达标创建得分", "head": head_scores, "rows": score_rows("compliance")},
        ],
        [chart] if chart else [],
    )
    for code, title in (
        ("certificates", "证书动态"),
        ("hazards", "隐患排查治理"),
        ("reviews", "评审质量"),
        ("accidents", "事故"),
    ):
        add(
            code,
            [
                {"title": title, "head": head_figures, "rows": figure_table(code)},
                {"title": f"{title}得分", "head": head_scores, "rows": score_rows(code)},
            ],
        )
    add(
        "support",
        [
            {
                "title": "工作保障（人工评分）",
                "head": ["考核指标", "分值", "得分", "说明", "佐证材料"],
                "rows": [
                    [
                        s["name"],
                        s["weight"],
                        s["score"],
                        manual[s["code"]].note if s["code"] in manual else "未评分",
                        str(manual[s["code"]].evidence.name).rsplit("/", 1)[-1]
                        if s["code"] in manual and manual[s["code"]].evidence
                        else "—",
                    ]
                    for s in scores
                    if s["section"] == "support"
                ],
            }
        ],
    )
    ranking_chart = svg.bar_chart(
        [(r["name"], float(r["total"])) for r in data["ranking"]],
        title="综合得分排名",
        maximum=100,
    )
    score_chart = svg.bar_chart(
        [(s["name"], 100 * float(s["score"]) / float(s["weight"])) for s in scores],
        title="各项指标得分率（%）",
        maximum=100,
        unit="%",
    )
    add(
        "scores",
        [
            {
                "title": "指标得分",
                "head": head_scores,
                "rows": [[s["name"], _fmt(s["value"]), s["weight"], s["score"]] for s in scores]
                + [["合计", "", "100", data["total"]]],
            },
            {
                "title": "排名",
                "head": ["名次", "单位", "得分", "较上期"],
                "rows": [
                    [
                        r["rank"],
                        r["name"],
                        r["total"],
                        "—" if r["change"] is None else f"{r['change']:+d}",
                    ]
                    for r in data["ranking"]
                ],
            },
        ],
        [score_chart, ranking_chart],
    )
    comments = []
    if report.comment:
        comments.append(
            ("被考核单位异议：" if report.objects_to_scores else "被考核单位意见：")
            + report.comment
        )
    add("problems", [], text=(data["problems"] or ["无明显失分项。"]) + comments)
    return out


def title_of(report: AssessmentReport) -> str:
    """The report's title as the record has it (its PDF, workbook and files)."""
    data = report.data
    return f"{data['unit']['name']}{data['period']['code']}安全生产标准化工作{PERIOD_TEXT.get(data['period']['kind'], '')}考核报告"


def shown_title(report: AssessmentReport) -> str:
    """The title on a page: in English on English pages."""
    if not (get_language() or "").startswith("en"):
        return title_of(report)
    data = report.data
    if data["period"]["kind"] == periods.YEAR:
        text = _("%(unit)s: annual work-safety standardization assessment, %(period)s")
    else:
        text = _("%(unit)s: quarterly work-safety standardization assessment, %(period)s")
    return text % {"unit": data["unit"]["name"], "period": data["period"]["code"]}


def render_pdf(report: AssessmentReport) -> bytes:
    from certification.certificates import pdf

    html = render_to_string(
        "pdf/assessment/report.html",
        {
            "report": report,
            "data": report.data,
            "sections": sections(report),
            "title": title_of(report),
        },
    )
    return pdf.html_to_pdf(html, css=("report.css",))
