"""The statistics tables' figures written by hand in SQL (bench/dashboard_scale.py):
the same conditional counts as reporting/statistics/figures.py, one GROUP BY per
kind of record, as someone would write them without the ORM. The bench runs them
through a cursor beside the live page and checks they give the same numbers."""

from __future__ import annotations

import datetime
from typing import Any

LIVE = "c.status IN ('valid', 'suspended') AND c.valid_until >= %(today)s"
REVOKED = (
    "c.status = 'revoked' AND c.status_changed_at >= %(begin)s AND c.status_changed_at < %(after)s"
)

# Row dimension -> (key, label, join) on the enterprise ``e``.
GROUPS = {
    "district": ("e.region_id", "r.name", "LEFT JOIN portal_region r ON r.code = e.region_id"),
    "street": ("s.code", "s.name", "LEFT JOIN portal_street s ON s.id = e.street_id"),
    "industry": (
        "e.industry_id",
        "i.name",
        "LEFT JOIN portal_industry i ON i.code = e.industry_id",
    ),
    "scale": ("e.scale", "NULL", ""),
}


def _counts(conditions: dict[str, str]) -> str:
    """``count(*)`` per condition; a condition "SUM(column) IF …" sums the column."""
    out = []
    for name, condition in conditions.items():
        if condition.startswith("SUM("):
            column, _sep, rest = condition[4:].partition(") IF ")
            out.append(f"coalesce(sum({column}) FILTER (WHERE {rest}), 0) AS {name}")
        else:
            out.append(f"count(*) FILTER (WHERE {condition}) AS {name}")
    return ",\n  ".join(out)


def accidents() -> dict[str, dict[str, str]]:
    period = "a.occurred_on BETWEEN %(start)s AND %(end)s"
    return {
        "accident": {
            "accidents": period,
            "fatal": f"{period} AND a.deaths > 0",
            "deaths": f"SUM(a.deaths) IF {period}",
            "serious_injuries": f"SUM(a.serious_injuries) IF {period}",
            "certified": f"{period} AND EXISTS (SELECT 1 FROM certification_certificate c "
            "WHERE c.enterprise_id = a.enterprise_id AND c.valid_from <= a.occurred_on "
            "AND c.valid_until >= a.occurred_on AND (c.status IN ('valid', 'suspended', "
            "'expired') OR (c.status_changed_at AT TIME ZONE %(zone)s)::date >= a.occurred_on))",
        }
    }


def compliance(scales: list[str], tiers: list[str]) -> dict[str, dict[str, str]]:
    enterprise = {"active": "e.status = 'active'"}
    enterprise.update({f"active_{s}": f"e.status = 'active' AND e.scale = '{s}'" for s in scales})
    enterprise["compliant"] = (
        "e.status = 'active' AND EXISTS (SELECT 1 FROM certification_certificate c "
        f"WHERE c.enterprise_id = e.id AND {LIVE})"
    )
    certificate = {f"live_{t}": f"{LIVE} AND c.tier = '{t}'" for t in tiers}
    certificate["new"] = "c.valid_from BETWEEN %(start)s AND %(end)s"
    certificate["revoked"] = REVOKED
    certificate["expired_unrenewed"] = (
        "c.status = 'expired' AND c.valid_until BETWEEN %(start)s AND %(end)s AND NOT EXISTS "
        "(SELECT 1 FROM certification_certificateevent v WHERE v.certificate_id = c.id "
        "AND v.action = 'renewed')"
    )
    return {"enterprise": enterprise, "certificate": certificate}


def certificates(reasons: list[str]) -> dict[str, dict[str, str]]:
    certificate = {
        f"expiring_{days}": f"{LIVE} AND c.valid_until <= %(today)s + {days}"
        for days in (30, 60, 90)
    }
    certificate["renewal_due"] = (
        f"{LIVE} AND c.valid_until <= %(renewal_until)s AND NOT EXISTS "
        "(SELECT 1 FROM certification_application a WHERE a.enterprise_id = c.enterprise_id "
        "AND a.tier = c.tier AND a.created_at > c.created_at AND a.id <> c.application_id "
        "AND a.status NOT IN ('draft', 'withdrawn', 'rejected'))"
    )
    certificate["suspended"] = "c.status = 'suspended'"
    certificate["revoked"] = REVOKED
    certificate.update({f"revoked_{r}": f"{REVOKED} AND c.status_reason = '{r}'" for r in reasons})
    certificate["flagged"] = f"{LIVE} AND c.review_flagged_at IS NOT NULL"
    certificate["annual_overdue"] = (
        f"{LIVE} AND EXISTS (SELECT 1 FROM certification_annualselfassessment y "
        "WHERE y.certificate_id = c.id AND y.overdue_recorded_at IS NOT NULL "
        "AND y.submitted_at IS NULL)"
    )
    return {"certificate": certificate}


def reviews() -> dict[str, dict[str, str]]:
    from certification.workflow import RESPONSIBLE, TRANSITIONS
    from reporting.statistics.reviews import OPEN_STATES

    def moved(condition: str) -> str:
        return (
            "a.id IN (SELECT v.application_id FROM certification_applicationevent v "
            f"WHERE {condition} AND v.created_at >= %(begin)s AND v.created_at < %(after)s)"
        )

    rejecting = ", ".join(f"'{t.name}'" for t in TRANSITIONS.values() if t.target == "rejected")
    application = {
        "received": "a.submitted_at >= %(begin)s AND a.submitted_at < %(after)s",
        "accepted": moved("v.transition = 'accept'"),
        "returned": moved("v.transition = 'return'"),
        "rejected": moved(f"v.transition IN ({rejecting})"),
    }
    application.update({f"now_{s}": f"a.status = '{s}'" for s in OPEN_STATES})
    responsible = ", ".join(f"'{s}'" for s in RESPONSIBLE)
    application["overdue"] = f"a.status IN ({responsible}) AND a.due_on < %(today)s"
    return {
        "application": application,
        "spot_check": {
            "spot_checks_drawn": "sc.reason = 'drawn' AND b.drawn_at >= %(begin)s "
            "AND b.drawn_at < %(after)s",
            "spot_checks_failed": "sc.result = 'failed' AND sc.checked_at >= %(begin)s "
            "AND sc.checked_at < %(after)s",
        },
        "objection": {
            "objections_upheld": "o.outcome = 'upheld' AND o.resolved_at >= %(begin)s "
            "AND o.resolved_at < %(after)s",
        },
    }


def steps_statement(region: str | None) -> str:
    """The steps table: each limited state's ended steps in the period (the working
    days each move wrote on the timeline), count, median, mean, over the limit."""
    from certification.models import Status
    from certification.workflow import time_limit

    limits = {s: limit for s in Status.values if (limit := time_limit(s)) is not None}
    over = " OR ".join(f"(v.from_status = '{s}' AND v.step_days > {n})" for s, n in limits.items())
    states = ", ".join(f"'{s}'" for s in limits)
    scope = "e.region_id = %(region)s" if region else "TRUE"
    return (
        "SELECT v.from_status, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY v.step_days), "
        f"avg(v.step_days), count(*) FILTER (WHERE {over})\n"
        "FROM certification_applicationevent v\n"
        "WHERE v.step_days IS NOT NULL AND v.created_at >= %(begin)s AND v.created_at < %(after)s "
        f"AND v.from_status IN ({states}) AND v.application_id IN (SELECT a.id FROM "
        "certification_application a JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
        f"WHERE a.status <> 'draft' AND {scope})\nGROUP BY 1"
    )


def statements(
    table: str, dimension: str, region: str | None
) -> list[tuple[str, list[str]]] | None:
    """(SQL, measure names) per kind of record, for the table grouped by
    ``dimension`` in a district's scope (``region``) or the whole city (None); None
    when no hand-written version exists for the table."""
    from certification.models import Application, RevocationReason
    from enterprises.models import Enterprise

    if table == "compliance":
        kinds = compliance(
            [s for s, _l in Enterprise.Scale.choices], [t for t, _l in Application.Tier.choices]
        )
    elif table == "certificates":
        kinds = certificates([r for r, _l in RevocationReason.choices])
    elif table == "accidents":
        kinds = accidents()
    elif table == "reviews" and dimension != "review_unit":
        kinds = reviews()
    else:
        return None
    key, label, join = GROUPS[dimension]
    scope = "e.region_id = %(region)s" if region else "TRUE"
    out = []
    for kind, conditions in kinds.items():
        source = {
            "enterprise": "enterprises_enterprise e",
            "certificate": "certification_certificate c "
            "JOIN enterprises_enterprise e ON e.id = c.enterprise_id",
            "accident": "enterprises_accident a JOIN enterprises_enterprise e ON e.id = a.enterprise_id",
            "application": "certification_application a "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id",
            "spot_check": "certification_spotcheck sc "
            "JOIN certification_application a ON a.id = sc.application_id "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
            "LEFT JOIN certification_verificationbatch b ON b.id = sc.batch_id",
            "objection": "certification_objection o "
            "JOIN certification_publicityitem pi ON pi.id = o.item_id "
            "JOIN certification_application a ON a.id = pi.application_id "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id",
        }[kind]
        where = f"{scope} AND a.status <> 'draft'" if kind == "application" else scope
        sql = (
            f"SELECT {key} AS key, {label} AS label,\n  {_counts(conditions)}\n"
            f"FROM {source} {join}\nWHERE {where}\nGROUP BY 1, 2"
        )
        out.append((sql, list(conditions)))
    return out


def parameters(filters: Any, region: str | None, today: datetime.date) -> dict[str, Any]:
    from django.conf import settings

    from certification.validity import RENEWAL_WINDOW_MONTHS, add_months

    begin, after = filters.period.moments()
    months = getattr(settings, "RENEWAL_WINDOW_MONTHS", RENEWAL_WINDOW_MONTHS)
    return {
        "today": today,
        "start": filters.period.start,
        "end": filters.period.end,
        "begin": begin,
        "after": after,
        "renewal_until": add_months(today, months),
        "region": region,
        "zone": settings.TIME_ZONE,
    }


def run(
    cursor: Any, prepared: list[tuple[str, list[str]]], params: dict[str, Any]
) -> dict[Any, dict[str, int]]:
    """Run the statements; key -> measure -> count."""
    found: dict[Any, dict[str, int]] = {}
    for sql, names in prepared:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            found.setdefault(row[0], {}).update(zip(names, row[2:], strict=True))
    return found
