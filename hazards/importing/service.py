"""The ledger import: check every row (dry run) or import them all, through one
code path. Every row is recorded by hazards.services.hazard_record (one audit row
each); a row the old ledger gives as closed is then closed by the declared move
import_closed (one more audit row, closed on the day the file gives, accepted by
nobody in the portal). The rows are written in one transaction, which a dry run,
or any problem in any row, rolls back: nothing is imported unless every row is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enterprises.importing.rows import Problem
from enterprises.models import Enterprise
from hazards import services
from hazards.errors import HazardForbidden
from hazards.importing.columns import COLUMNS_BY_KEY
from hazards.importing.reading import LedgerSheet, xlsx_problem
from hazards.importing.rows import CheckedRow, RowReader
from hazards.models import Hazard
from portal.errors import ServiceError
from portal.models import User
from portal.notify import message, notify_after_commit

# The column a refusal of hazard_record names, by the hazard field it names.
FIELD_COLUMNS = {"major_basis": "major_code", "completed_on": "closed_on"}


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0  # rows read
    created: int = 0  # rows recorded (or, in a dry run, that would be)
    closed: int = 0  # of them, closed
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def header(self, name: str | None) -> str:
        key = FIELD_COLUMNS.get(name or "", name or "")
        column = COLUMNS_BY_KEY.get(key)
        return self.headers.get(key) or (column.header() if column else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": 0 if self.problems else self.created,
            "closed": 0 if self.problems else self.closed,
            "problems": [problem.as_dict() for problem in self.problems],
        }


def may_import(actor: User, enterprise: Enterprise) -> bool:
    """Whoever may record the enterprise's hazards: its users, its group, its district."""
    return services.may_record(actor, enterprise)


def _read(upload: IO[bytes], result: ImportResult, enterprise: Enterprise) -> list[CheckedRow]:
    try:
        sheet = LedgerSheet(upload)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ServiceError(
            _("This workbook cannot be read. Save it again as .xlsx and upload that."),
            field="file",
        ) from None
    try:
        result.problems += sheet.read_header()
        result.headers = dict(sheet.headers)
        if result.problems:
            return []
        reader = RowReader(enterprise)
        rows: list[CheckedRow] = []
        limit = settings.HAZARD_IMPORT_MAX_ROWS
        for number, cells in sheet.rows():
            if len(rows) == limit:
                result.problems.append(
                    Problem(
                        number,
                        "",
                        _("More than %(limit)d rows; split the ledger into smaller files.")
                        % {"limit": limit},
                    )
                )
                return []
            rows.append(reader.read(number, cells))
    finally:
        sheet.close()
    if not rows:
        result.problems.append(Problem(None, "", _("The workbook has no rows below the header.")))
    result.rows = len(rows)
    return rows


def import_ledger(
    *, actor: User, enterprise: Enterprise, upload: Any, dry_run: bool
) -> ImportResult:
    """Check (``dry_run``) or import an uploaded ledger. Problems of the file as a
    whole raise ServiceError; problems of rows are listed by row and column."""
    if not may_import(actor, enterprise):
        raise HazardForbidden(_("Your organisation cannot record hazards for this enterprise."))
    limit = settings.HAZARD_IMPORT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ServiceError(
            _("This file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            field="file",
        )
    problem = xlsx_problem(upload)
    if problem:
        raise ServiceError(problem, field="file")
    result = ImportResult(dry_run=dry_run)
    rows = _read(upload, result, enterprise)
    if result.problems:
        return result
    with transaction.atomic():
        for row in rows:
            result.problems += row.problems
            if not row.problems:
                _write(actor, enterprise, row, result)
        if dry_run or result.problems:
            transaction.set_rollback(True)
        elif result.created and actor.organisation_id != enterprise.account_id:
            _notify(enterprise, result)
    return result


def _write(actor: User, enterprise: Enterprise, row: CheckedRow, result: ImportResult) -> None:
    """One row, in its own savepoint: a refused row is listed and the others go on
    being checked (the whole import is rolled back at the end)."""
    try:
        with transaction.atomic():
            hazard = services.hazard_record(
                actor=actor, enterprise=enterprise, notify=False, **row.values
            )
            if row.closed_on is not None:
                move = "import_closed" if hazard.grade == Hazard.Grade.GENERAL else None
                services.perform(
                    actor=actor,
                    hazard=hazard,
                    move=move or "import_closed_major",
                    notify=False,
                    imported_closed_on=row.closed_on,
                )
                result.closed += 1
    except HazardForbidden:
        raise
    except ServiceError as error:
        result.problems.append(Problem(row.row, result.header(error.field), str(error.message)))
        return
    result.created += 1


def _notify(enterprise: Enterprise, result: ImportResult) -> None:
    text = message(
        gettext_noop("%(enterprise)s: %(count)d hazards imported into the ledger."),
        enterprise=enterprise.name,
        count=result.created,
    )
    notify_after_commit([enterprise.account_id], text)


def prepare_import_closed(move: services.Move) -> None:
    """Closed on the day the old ledger gives; only the import makes this move."""
    closed_on = move.data.get("imported_closed_on")
    if not isinstance(closed_on, datetime.date):
        raise ServiceError(_("This step is made only by the Excel import of a ledger."))
    hazard = move.hazard
    services._not_future(closed_on, "closed_on")
    if closed_on < hazard.found_on:
        raise ServiceError(
            _("The hazard cannot be closed before it was found (%(date)s).")
            % {"date": hazard.found_on.isoformat()},
            field="closed_on",
        )
    hazard.closed_on = hazard.completed_on = closed_on
    move.fields += ["closed_on", "completed_on"]
    move.details.update(closed_on=closed_on.isoformat())
