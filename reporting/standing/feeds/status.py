"""The status of enterprises by USCC, as a feed client may read it: the best
certificate in force (grade, number, validity), the warning list and the
supervision tier. One query on PostgreSQL, whatever the number of codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Certificate
from certification.validity import LIVE
from certification.workflow import tier_label
from enterprises.models import Enterprise
from enterprises.uscc import normalise_uscc, uscc_errors
from portal.models import Region
from reporting.standing.models import FeedClient, Standing, WarningEntry
from reporting.standing.tiers import GRADE_RANK


@dataclass
class Lookup:
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Well-formed codes of no enterprise the client may read (unknown, or in a
    # district outside its reach: the two are not told apart).
    not_found: list[str] = field(default_factory=list)
    invalid: list[dict[str, str]] = field(default_factory=list)


def clean_codes(raw: list[str]) -> dict[str, str]:
    """Normalised code -> the code as sent; duplicates dropped, order kept."""
    codes: dict[str, str] = {}
    for value in raw:
        codes.setdefault(normalise_uscc(value), value)
    return codes


def scoped(client: FeedClient) -> Any:
    qs = Enterprise.objects.all()
    regions = [region.pk for region in client.regions.all()]
    return qs.filter(region_id__in=regions) if regions else qs


# (id, name, registry status, district, tier, tier since,
#  (grade, number, valid until, certificate status) or None, open warning rules)
Found = tuple[int, str, str, str, str | None, Any, tuple[Any, ...] | None, list[str]]

# PostgreSQL: every USCC in one array parameter, matched through the unique USCC
# index; the best live certificate and the open warnings joined per enterprise, so
# a thousand codes cost one statement (planning an IN list of a thousand
# parameters three times cost more than reading the rows).
SQL = """
SELECT e.id, e.uscc, e.name, e.status, r.name, s.tier, s.computed_on,
       c.tier, c.number, c.valid_until, c.status,
       (SELECT array_agg(w.rule ORDER BY w.rule) FROM {warnings} w
         WHERE w.enterprise_id = e.id AND w.closed_on IS NULL)
  FROM {enterprises} e
  JOIN {regions} r ON r.code = e.region_id
  LEFT JOIN {standing} s ON s.enterprise_id = e.id
  LEFT JOIN LATERAL (
        SELECT c.tier, c.number, c.valid_until, c.status FROM {certificates} c
         WHERE c.enterprise_id = e.id AND c.status = ANY(%(live)s)
           AND c.valid_until >= %(today)s
         ORDER BY array_position(%(grades)s, c.tier::text), c.valid_until DESC, c.id
         LIMIT 1) c ON TRUE
 WHERE e.uscc = ANY(%(codes)s) {in_regions}
"""


def _found_postgresql(client: FeedClient, codes: list[str], today: Any) -> dict[str, Found]:
    regions = [region.pk for region in client.regions.all()]
    sql = SQL.format(
        warnings=WarningEntry._meta.db_table,
        enterprises=Enterprise._meta.db_table,
        regions=Region._meta.db_table,
        standing=Standing._meta.db_table,
        certificates=Certificate._meta.db_table,
        in_regions="AND e.region_id = ANY(%(regions)s)" if regions else "",
    )
    params = {
        "live": [str(status) for status in LIVE],
        "today": today,
        "grades": sorted(GRADE_RANK, key=GRADE_RANK.__getitem__),
        "codes": codes,
        "regions": regions,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            row[1]: (
                row[0], row[2], row[3], row[4], row[5], row[6],
                tuple(row[7:11]) if row[7] is not None else None, row[11] or [],
            )
            for row in cursor.fetchall()
        }  # fmt: skip


def _found_orm(client: FeedClient, codes: list[str], today: Any) -> dict[str, Found]:
    """The same answer in three queries, for databases without arrays (SQLite)."""
    enterprises = scoped(client).filter(uscc__in=codes)
    tiers = Standing.objects.filter(enterprise=OuterRef("pk"))
    best: dict[int, tuple[Any, ...]] = {}
    for held in Certificate.objects.filter(
        enterprise__in=enterprises.values("pk"), status__in=LIVE, valid_until__gte=today
    ).values_list("enterprise_id", "tier", "number", "valid_until", "status"):
        known = best.get(held[0])
        if known is None or GRADE_RANK.get(held[1], 9) < GRADE_RANK.get(known[0], 9):
            best[held[0]] = held[1:]
    warnings: dict[int, list[str]] = {}
    for enterprise_id, rule in (
        WarningEntry.objects.filter(enterprise__in=enterprises.values("pk"), closed_on__isnull=True)
        .order_by("rule")
        .values_list("enterprise_id", "rule")
    ):
        warnings.setdefault(enterprise_id, []).append(rule)
    return {
        row[1]: (*row[:1], *row[2:], best.get(row[0]), warnings.get(row[0], []))
        for row in enterprises.annotate(
            tier=Subquery(tiers.values("tier")[:1]),
            tier_since=Subquery(tiers.values("computed_on")[:1]),
        ).values_list("id", "uscc", "name", "status", "region__name", "tier", "tier_since")
    }


def lookup(client: FeedClient, raw: list[str]) -> Lookup:
    """The status of the enterprises of the codes the client may read; a code of no
    such enterprise is "not found", or "invalid" when it is not a well-formed USCC."""
    sent = clean_codes(raw)
    codes = list(sent)
    found = Lookup()
    today = timezone.localdate()
    read = _found_postgresql if connection.vendor == "postgresql" else _found_orm
    by_code = read(client, codes, today)
    labels = {tier: str(tier_label(tier)) for tier in GRADE_RANK}
    for code in codes:
        row = by_code.get(code)
        if row is None:
            # Only the codes not found are checked: the registry's are valid.
            errors = uscc_errors(code)
            if errors:
                error = " ".join(str(e) for e in errors)
                found.invalid.append({"uscc": sent[code], "error": error})
            else:
                found.not_found.append(code)
            continue
        _id, name, registry_status, district, tier, tier_since, held, rules = row
        grade, number, valid_until, certificate_status = held or (None, "", None, "")
        found.rows.append(
            {
                "uscc": code,
                "name": name,
                "district": district,
                "registry_status": registry_status,
                "grade": grade,
                "grade_label": labels.get(grade, grade) if grade else "",
                "certificate_number": number,
                "valid_until": valid_until,
                "certificate_status": certificate_status,
                "warning_list": bool(rules),
                "warning_rules": rules,
                "supervision_tier": tier,
                "tier_since": tier_since,
            }
        )
    return found


def columns() -> list[tuple[str, str]]:
    """The export's columns: (key, heading)."""
    return [
        ("uscc", _("USCC")),
        ("name", _("Enterprise")),
        ("district", _("District")),
        ("grade_label", _("Grade")),
        ("certificate_number", _("Certificate number")),
        ("valid_until", _("Valid until")),
        ("certificate_status", _("Certificate status")),
        ("warning_list", _("On the warning list")),
        ("warning_rules", _("Warning rules")),
        ("supervision_tier", _("Supervision tier")),
    ]
