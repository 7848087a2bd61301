"""Self-report objects for the URL matrix: cast.ent's submitted form of 2025 Q3, its
draft of 2025 Q2 and 朝阳区's frozen table of 2025 Q3; made once per database state,
found again on later calls."""

from __future__ import annotations

from hazards.models import PeriodKind, QuarterlyTable, SelfReport
from hazards.selfreports import services, tables
from hazards.selfreports.periods import Period


def submitted_report(cast) -> SelfReport:
    found = SelfReport.objects.filter(enterprise=cast.ent, year=2025, period=3).first()
    if found is None:
        found = services.report_start(
            actor=cast.enterprise, enterprise=cast.ent, period=Period(PeriodKind.QUARTER, 2025, 3)
        )
        found = services.report_submit(actor=cast.enterprise, report=found)
    return found


def draft_report(cast) -> SelfReport:
    return services.report_start(
        actor=cast.enterprise, enterprise=cast.ent, period=Period(PeriodKind.QUARTER, 2025, 2)
    )


def frozen_table(cast) -> QuarterlyTable:
    table, _created = QuarterlyTable.objects.get_or_create(
        region=cast.chaoyang, year=2025, quarter=3
    )
    return tables.build_table(table.pk)
