"""A hand-built assessment world: frozen snapshot rows of 朝阳区 and 海淀区 (and
朝阳区's two streets) for 2024-Q1 and 2024-Q2, and a hand-built 2024 scheme whose
scores are computed by hand below.

Scheme (weights 40 + 30 + 20 + 10 = 100):
- rate: compliance_rate, linear 50 → 100, weight 40
- rectify: hazard_rectification, linear 80 → 100, weight 30
- spot: spot_check_failures, deduct 5 per failure, weight 20
- training: manual, weight 10

2024-Q1  朝阳区 rate 60, rectify 80, spot 0 → 8.00 + 0.00 + 20.00 = 28.00 (rank 2)
         海淀区 rate 70, rectify 90, spot 0 → 16.00 + 15.00 + 20.00 = 51.00 (rank 1)
2024-Q2  朝阳区 rate 80, rectify 95, spot 1 → 24.00 + 22.50 + 15.00 = 61.50 (rank 1, +1)
         海淀区 rate 90, rectify 85, spot 0 → 32.00 + 7.50 + 20.00 = 59.50 (rank 2, -1)
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from reporting.assessment import schemes
from reporting.assessment.models import Scheme
from reporting.models import MetricSnapshot

Scope = MetricSnapshot.ScopeKind

SCHEME = {
    "title": "测试考核方案",
    "indicators": [
        {
            "code": "rate",
            "name": "达标率",
            "section": "compliance",
            "kind": "computed",
            "metric": "compliance_rate",
            "rule": {"type": "linear", "zero": 50, "full": 100},
            "weight": 40,
        },
        {
            "code": "rectify",
            "name": "隐患整改率",
            "section": "hazards",
            "kind": "computed",
            "metric": "hazard_rectification",
            "rule": {"type": "linear", "zero": 80, "full": 100},
            "weight": 30,
        },
        {
            "code": "spot",
            "name": "抽查不合格",
            "section": "reviews",
            "kind": "computed",
            "metric": "spot_check_failures",
            "rule": {"type": "deduct", "per": 5},
            "weight": 20,
        },
        {
            "code": "training",
            "name": "宣传培训",
            "section": "support",
            "kind": "manual",
            "weight": 10,
        },
    ],
}

FIGURES = {
    ("2024-Q1", "110105"): (60.0, 80.0, 0),
    ("2024-Q1", "110108"): (70.0, 90.0, 0),
    ("2024-Q2", "110105"): (80.0, 95.0, 1),
    ("2024-Q2", "110108"): (90.0, 85.0, 0),
}
END = {"2024-Q1": datetime.date(2024, 3, 31), "2024-Q2": datetime.date(2024, 6, 30)}


def _row(scope_kind, scope_key, code, figures, dimension="", key=""):
    return MetricSnapshot(
        scope_kind=scope_kind,
        scope_key=scope_key,
        dimension=dimension,
        key=key,
        period_kind="quarter",
        period_code=code,
        as_of=END[code],
        frozen_at=timezone.now(),
        figures=figures,
    )


def figures(rate: float, rectify: float, spot: int) -> dict:
    return {
        "compliance.active": 200,
        "compliance.compliant": int(rate * 2),
        "compliance.rate": rate,
        "compliance.live_1": 2,
        "compliance.live_2": 10,
        "compliance.live_3": int(rate * 2) - 12,
        "compliance.live_pass": 0,
        "hazards.found": 40,
        "hazards.rectification_rate": rectify,
        "reviews.spot_checks_failed": spot,
        "certificates.revoked": 3,
    }


def build_world(city_rows: bool = True) -> Scheme:
    rows = []
    for (code, region), values in FIGURES.items():
        rows.append(_row(Scope.DISTRICT, region, code, figures(*values)))
    # 朝阳区's streets (the cast's 建外街道 and 朝外街道), for its breakdown and its own
    # assessment of them.
    for code in ("2024-Q1", "2024-Q2"):
        for street, rate in (("110105001", 75.0), ("110105002", 50.0)):
            row = {
                "compliance.active": 100,
                "compliance.compliant": int(rate),
                "compliance.rate": rate,
            }
            rows.append(_row(Scope.DISTRICT, "110105", code, row, "street", street))
            rows.append(_row(Scope.STREET, street, code, figures(rate, 90.0, 0)))
    if city_rows:
        rows.append(_row(Scope.CITY, "", "2024-Q2", figures(70.0, 90.0, 1)))
    MetricSnapshot.objects.bulk_create(rows)
    scheme = schemes.create_scheme(
        actor=None, year=2024, level=Scheme.Level.CITY, region=None, definition=SCHEME
    )
    schemes.create_scheme(
        actor=None, year=2024, level=Scheme.Level.DISTRICT, region=None, definition=SCHEME
    )
    return scheme
