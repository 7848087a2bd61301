"""The status of enterprises by USCC, as a feed client may read it: the best
certificate in force (grade, number, validity), the warning list and the
supervision tier. One query per kind of record, whatever the number of codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Certificate
from certification.validity import LIVE
from certification.workflow import tier_label
from enterprises.models import Enterprise
from enterprises.uscc import normalise_uscc, uscc_errors
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


def lookup(client: FeedClient, raw: list[str]) -> Lookup:
    """Four queries, each filtered by the codes themselves (a join on the unique USCC
    index), so a thousand ids are never sent back as parameters."""
    sent = clean_codes(raw)
    codes = list(sent)
    found = Lookup()
    enterprises = scoped(client).filter(uscc__in=codes)
    tiers = Standing.objects.filter(enterprise=OuterRef("pk"))
    rows = list(
        enterprises.annotate(
            tier=Subquery(tiers.values("tier")[:1]),
            tier_since=Subquery(tiers.values("computed_on")[:1]),
        ).values("id", "uscc", "name", "status", "region__name", "tier", "tier_since")
    )
    by_code = {row["uscc"]: row for row in rows}
    today = timezone.localdate()
    best: dict[int, dict[str, Any]] = {}
    for certificate in Certificate.objects.filter(
        enterprise__in=enterprises.values("pk"), status__in=LIVE, valid_until__gte=today
    ).values("enterprise_id", "tier", "number", "valid_until", "status"):
        held = best.get(certificate["enterprise_id"])
        if held is None or GRADE_RANK.get(certificate["tier"], 9) < GRADE_RANK.get(held["tier"], 9):
            best[certificate["enterprise_id"]] = dict(certificate)
    warnings: dict[int, list[str]] = {}
    for enterprise_id, rule in (
        WarningEntry.objects.filter(enterprise__in=enterprises.values("pk"), closed_on__isnull=True)
        .order_by("rule")
        .values_list("enterprise_id", "rule")
    ):
        warnings.setdefault(enterprise_id, []).append(rule)
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
        held = best.get(row["id"])
        found.rows.append(
            {
                "uscc": code,
                "name": row["name"],
                "district": row["region__name"],
                "registry_status": row["status"],
                "grade": held["tier"] if held else None,
                "grade_label": labels.get(held["tier"], held["tier"]) if held else "",
                "certificate_number": held["number"] if held else "",
                "valid_until": held["valid_until"] if held else None,
                "certificate_status": held["status"] if held else "",
                "warning_list": bool(warnings.get(row["id"])),
                "warning_rules": warnings.get(row["id"], []),
                "supervision_tier": row["tier"],
                "tier_since": row["tier_since"],
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
