"""The status of enterprises by USCC, as a feed client may read it: the best
certificate in force (grade, number, validity), the warning list and the
supervision tier. One query per kind of record, whatever the number of codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Certificate
from certification.validity import LIVE
from certification.workflow import tier_label
from enterprises.models import Enterprise
from enterprises.uscc import normalise_uscc, uscc_errors
from reporting.standing.models import FeedClient, Standing
from reporting.standing.tiers import GRADE_RANK
from reporting.standing.warnings import open_rules


@dataclass
class Lookup:
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Well-formed codes of no enterprise the client may read (unknown, or in a
    # district outside its reach: the two are not told apart).
    not_found: list[str] = field(default_factory=list)
    invalid: list[dict[str, str]] = field(default_factory=list)


def clean_codes(raw: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    """(codes, invalid): normalised, duplicates dropped, order kept."""
    codes: list[str] = []
    invalid: list[dict[str, str]] = []
    seen: set[str] = set()
    for value in raw:
        code = normalise_uscc(value)
        if code in seen:
            continue
        seen.add(code)
        errors = uscc_errors(code)
        if errors:
            invalid.append({"uscc": value, "error": " ".join(str(e) for e in errors)})
        else:
            codes.append(code)
    return codes, invalid


def scoped(client: FeedClient) -> Any:
    qs = Enterprise.objects.all()
    regions = [region.pk for region in client.regions.all()]
    return qs.filter(region_id__in=regions) if regions else qs


def lookup(client: FeedClient, raw: list[str]) -> Lookup:
    codes, invalid = clean_codes(raw)
    found = Lookup(invalid=invalid)
    enterprises = list(
        scoped(client).filter(uscc__in=codes).values("id", "uscc", "name", "status", "region__name")
    )
    by_code = {row["uscc"]: row for row in enterprises}
    ids = [row["id"] for row in enterprises]
    today = timezone.localdate()
    best: dict[int, dict[str, Any]] = {}
    for certificate in (
        Certificate.objects.filter(enterprise_id__in=ids, status__in=LIVE, valid_until__gte=today)
        .values("enterprise_id", "tier", "number", "valid_until", "status")
        .iterator()
    ):
        held = best.get(certificate["enterprise_id"])
        if held is None or GRADE_RANK.get(certificate["tier"], 9) < GRADE_RANK.get(held["tier"], 9):
            best[certificate["enterprise_id"]] = dict(certificate)
    standing = {
        row["enterprise_id"]: row
        for row in Standing.objects.filter(enterprise_id__in=ids).values(
            "enterprise_id", "tier", "computed_on"
        )
    }
    warnings = open_rules(ids)
    for code in codes:
        row = by_code.get(code)
        if row is None:
            found.not_found.append(code)
            continue
        held = best.get(row["id"])
        tier = standing.get(row["id"])
        found.rows.append(
            {
                "uscc": code,
                "name": row["name"],
                "district": row["region__name"],
                "registry_status": row["status"],
                "grade": held["tier"] if held else None,
                "grade_label": str(tier_label(held["tier"])) if held else "",
                "certificate_number": held["number"] if held else "",
                "valid_until": held["valid_until"] if held else None,
                "certificate_status": held["status"] if held else "",
                "warning_list": bool(warnings.get(row["id"])),
                "warning_rules": warnings.get(row["id"], []),
                "supervision_tier": tier["tier"] if tier else None,
                "tier_since": tier["computed_on"] if tier else None,
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
