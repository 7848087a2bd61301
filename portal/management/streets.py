"""Importing streets and towns (街道/乡镇) from a CSV file.

The file has a header row and the columns region_code, code, name, name_en
(optional) and kind. Every row is checked before anything is written; one bad
row means nothing is imported. Rows are numbered as a spreadsheet shows them:
the header is row 1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from portal import audit
from portal.models import Region, Street

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "reference" / "streets.csv"
REQUIRED_COLUMNS = ["region_code", "code", "name", "kind"]
FIELDS = ["region_id", "name", "name_en", "kind"]


class StreetFileError(Exception):
    """The file was refused; ``problems`` lists every reason, row by row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class StreetLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_region: dict[str, int] = field(default_factory=dict)


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows with their row numbers; refuses files without the columns."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise StreetFileError(
                    [
                        _(
                            "Row 1: the header lacks the column(s) %(columns)s; expected "
                            "region_code, code, name, name_en, kind."
                        )
                        % {"columns": ", ".join(missing)}
                    ]
                )
            rows = []
            for number, raw in enumerate(reader, start=2):
                row = {
                    (key or "").strip(): (value or "").strip()
                    for key, value in raw.items()
                    if isinstance(value, str)
                }
                if any(row.values()):  # blank lines are skipped
                    rows.append((number, row))
            return rows
    except FileNotFoundError:
        raise StreetFileError([_("File not found: %(path)s") % {"path": path}]) from None
    except UnicodeDecodeError:
        raise StreetFileError(
            [_("%(path)s is not UTF-8 text; save it as CSV UTF-8.") % {"path": path}]
        ) from None


def validate_rows(rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """Every problem of every row, in the active language."""
    problems: list[str] = []
    regions = set(Region.objects.values_list("code", flat=True))
    kinds = Street.Kind.values
    first_row_of_code: dict[str, int] = {}
    first_row_of_name: dict[tuple[str, str], int] = {}
    for number, row in rows:
        region, code, name, kind = (row.get(key, "") for key in REQUIRED_COLUMNS)
        if not region:
            problems.append(_("Row %(row)d: region_code is empty.") % {"row": number})
        elif region not in regions:
            problems.append(
                _("Row %(row)d: region_code “%(value)s” is not a known district.")
                % {"row": number, "value": region}
            )
        if not (len(code) == 9 and code.isdigit()):
            problems.append(
                _(
                    "Row %(row)d: code “%(value)s” must be 9 digits (the district code and a "
                    "3-digit serial)."
                )
                % {"row": number, "value": code}
            )
        elif region and not code.startswith(region):
            problems.append(
                _("Row %(row)d: code “%(value)s” does not start with its region_code %(region)s.")
                % {"row": number, "value": code, "region": region}
            )
        elif code in first_row_of_code:
            problems.append(
                _("Row %(row)d: code %(value)s is already used in row %(first)d.")
                % {"row": number, "value": code, "first": first_row_of_code[code]}
            )
        else:
            first_row_of_code[code] = number
        if not name:
            problems.append(_("Row %(row)d: name is empty.") % {"row": number})
        elif (region, name) in first_row_of_name:
            problems.append(
                _(
                    "Row %(row)d: “%(name)s” appears twice in district %(region)s (also row "
                    "%(first)d)."
                )
                % {
                    "row": number,
                    "name": name,
                    "region": region,
                    "first": first_row_of_name[(region, name)],
                }
            )
        else:
            first_row_of_name[(region, name)] = number
        if kind not in kinds:
            problems.append(
                _("Row %(row)d: kind “%(value)s” is not one of %(kinds)s.")
                % {"row": number, "value": kind, "kinds": ", ".join(kinds)}
            )
        for column, limit in (("name", 50), ("name_en", 80)):
            if len(row.get(column, "")) > limit:
                problems.append(
                    _("Row %(row)d: %(column)s is longer than %(limit)d characters.")
                    % {"row": number, "column": column, "limit": limit}
                )
    problems.extend(_conflicts_with_database(rows, first_row_of_code))
    return problems


def _conflicts_with_database(rows, first_row_of_code) -> list[str]:
    """A name already used in the district by a street with another code."""
    problems = []
    codes_in_file = set(first_row_of_code)
    existing = {
        (region, name): code
        for region, name, code in Street.objects.values_list("region_id", "name", "code")
    }
    for number, row in rows:
        code = existing.get((row.get("region_code", ""), row.get("name", "")))
        if code is not None and code != row.get("code") and code not in codes_in_file:
            problems.append(
                _("Row %(row)d: “%(name)s” already exists in this district with code %(code)s.")
                % {"row": number, "name": row["name"], "code": code}
            )
    return problems


@transaction.atomic
def load_streets(
    path: Path | str = DEFAULT_PATH, *, actor=None, audited: bool = True
) -> StreetLoadResult:
    """Create or update streets by code; all or nothing. Raises StreetFileError.

    Every change is audited, except when seed_demo bootstraps a database.
    """
    rows = read_rows(Path(path))
    problems = validate_rows(rows)
    if problems:
        raise StreetFileError(problems)
    result = StreetLoadResult()
    existing = {street.code: street for street in Street.objects.select_for_update()}
    # Renames may swap names between codes: free the old names first.
    changing = []
    for _number, row in rows:
        values = {
            "region_id": row["region_code"],
            "name": row["name"],
            "name_en": row.get("name_en", ""),
            "kind": row["kind"],
        }
        result.per_region[values["region_id"]] = result.per_region.get(values["region_id"], 0) + 1
        street = existing.get(row["code"])
        if street is None:
            street = Street.objects.create(code=row["code"], **values)
            if audited:
                audit.record(
                    actor=actor,
                    action="street.create",
                    obj=street,
                    after={"code": street.code, **values},
                )
            result.created += 1
            continue
        before = audit.snapshot(street, FIELDS)
        if before == values:
            result.unchanged += 1
            continue
        changing.append((street, before, values))
    for street, _before, _values in changing:
        street.name = f"~{street.code}"  # temporary, unique within the district
        street.save(update_fields=["name"])
    for street, before, values in changing:
        for name, value in values.items():
            setattr(street, name, value)
        street.save(update_fields=FIELDS)
        if audited:
            old, new = audit.changed(before, values)
            audit.record(actor=actor, action="street.update", obj=street, before=old, after=new)
        result.updated += 1
    return result
