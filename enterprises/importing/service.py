"""The worker's steps of an enterprise import: the check (dry run) and the write.
The user's requests that queue them are in enterprises/importing/requests.py.

1. ``import_job_create`` stores the upload as an ImportJob and queues the check.
2. ``import_job_check`` (Celery) reads every row, lists every problem by row
   and column, and counts what a commit would create, update or leave alone.
   Nothing is written to the registry.
3. ``import_job_commit`` (the user's decision) queues ``import_job_write``
   (Celery), which checks the file again, because the registry may have
   changed since the dry run, and writes everything in one transaction or
   nothing at all.

The two Celery steps claim the job with a conditional UPDATE, so a task
delivered twice does its work once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, cast

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enterprises import signals
from enterprises.importing.columns import COLUMNS, COLUMNS_BY_KEY
from enterprises.importing.reading import Sheet
from enterprises.importing.rows import CheckedRow, Problem, ReferenceData, RowChecker
from enterprises.models import Enterprise
from enterprises.models_import import ImportJob
from enterprises.scale import scale_warning
from enterprises.uscc import outside_beijing_warning
from portal import audit
from portal.models import OrganisationKind

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Problems kept on the job; a file of garbage could otherwise store millions.
MAX_STORED_PROBLEMS = 10_000


def _table_field(name: str) -> Field[Any, Any]:
    """A field of the enterprise table (the names used here are never reverse relations)."""
    return cast("Field[Any, Any]", Enterprise._meta.get_field(name))


def _column(field: Field[Any, Any]) -> str:
    return cast(str, field.column)  # a table's field always has its column


# Enterprise attributes an import sets (relations by id).
ATTNAMES = [_table_field(column.key).attname for column in COLUMNS]


def _progress_every() -> int:
    return getattr(settings, "ENTERPRISE_IMPORT_PROGRESS_EVERY", 500)


@dataclass
class CheckResult:
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[CheckedRow] = field(default_factory=list)  # rows without problems
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    total: int = 0
    to_create: list[dict[str, Any]] = field(default_factory=list)
    to_update: list[tuple[Enterprise, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_STORED_PROBLEMS:
            self.problems.append(problem)

    def header(self, key: str) -> str:
        return self.headers.get(key) or COLUMNS_BY_KEY[key].header()


# -- 1. upload ------------------------------------------------------------------


# -- 2. the dry run ---------------------------------------------------------------


def import_job_check(*, job_id: int) -> None:
    """Check every row and count what a commit would do; write nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("organisation").get(pk=job_id)
    with translation.override(job.language), _fail_on_error(job):
        result = _read_and_check(job)
        _classify(job, result)
        _finish(
            job,
            result,
            ImportJob.Status.FAILED_VALIDATION
            if result.problem_count
            else ImportJob.Status.VALIDATED,
        )


# -- 3. the commit -------------------------------------------------------------------


def import_job_write(*, job_id: int) -> None:
    """Check the file again, then write every row in one transaction."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.COMMITTING, commit_started_at__isnull=True
    ).update(commit_started_at=timezone.now())
    if not claimed:
        return
    job = ImportJob.objects.select_related("organisation", "committed_by").get(pk=job_id)
    with translation.override(job.language), _fail_on_error(job):
        result = _read_and_check(job)
        if result.problem_count:
            _classify(job, result)
            _finish(job, result, ImportJob.Status.FAILED_VALIDATION)
            return
        try:
            with transaction.atomic():
                # Locked, so the enterprises compared are the ones overwritten.
                _classify(job, result, lock=True)
                if not result.problem_count:
                    _write(result)
                    _finish(job, result, ImportJob.Status.DONE)
                    # One event for the whole file rather than one per
                    # enterprise: 20,000 events would bury the log, and the
                    # job keeps the file itself, which says what each
                    # enterprise was set to.
                    audit.record(
                        actor=job.committed_by,
                        action="enterprise.import",
                        obj=job,
                        after={
                            "job": job.pk,
                            "file": job.original_filename,
                            "mode": job.mode,
                            "rows": result.total,
                            "created": len(result.to_create),
                            "updated": len(result.to_update),
                            "unchanged": result.unchanged,
                        },
                    )
        except IntegrityError:
            # Someone registered one of the new codes after the check above.
            result.add(
                Problem(
                    None,
                    result.header("uscc"),
                    _(
                        "Another user added one of these enterprises while the file was being "
                        "imported. Nothing was imported; upload the file again to see which."
                    ),
                )
            )
        if result.problem_count:
            _finish(job, result, ImportJob.Status.FAILED_VALIDATION)


# -- the steps' parts -------------------------------------------------------------


class _fail_on_error:
    """Mark the job failed (nothing written) if a step raises, then re-raise
    so the worker logs it."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if exc_type is None:
            return False
        logger.exception("import job %s failed", self.job.pk)
        self.job.status = ImportJob.Status.FAILED
        self.job.errors = [
            Problem(
                None,
                "",
                _(
                    "The import stopped because of an internal error; nothing was written. Try "
                    "again, and tell the portal's administrators if it happens again."
                ),
            ).as_dict()
        ]
        self.job.error_count = 1
        self.job.finished_at = timezone.now()
        self.job.save(update_fields=["status", "errors", "error_count", "finished_at"])
        return False


def _read_and_check(job: ImportJob) -> CheckResult:
    result = CheckResult()
    org = job.organisation
    scope = None if org.kind == OrganisationKind.CITY_OFFICE else org.region_id
    checker = RowChecker(ReferenceData(), scope)
    with job.file.open("rb") as fileobj:
        try:
            sheet = Sheet(fileobj)
        except Exception:  # openpyxl raises many kinds for a damaged file
            logger.info("import job %s: unreadable workbook", job.pk, exc_info=True)
            result.add(
                Problem(
                    None,
                    "",
                    _(
                        "The workbook could not be read; it may be damaged. Open it in Excel or WPS, "
                        "save it again as .xlsx and upload that file."
                    ),
                )
            )
            return result
        try:
            header_problems = sheet.read_header()
            result.headers = sheet.headers
            for problem in header_problems:
                result.add(problem)
            if header_problems:
                return result
            _check_rows(job, sheet, checker, result)
        finally:
            sheet.close()
    return result


def _check_rows(job: ImportJob, sheet: Sheet, checker: RowChecker, result: CheckResult) -> None:
    # A commit re-reads a file whose row count the dry run found.
    job.total_rows, job.rows_done = sheet.estimated_rows or job.total_rows, 0
    job.save(update_fields=["total_rows", "rows_done"])
    every = _progress_every()
    first_row: dict[str, int] = {}
    count = 0
    for number, cells in sheet.rows():
        checked = checker.check(number, cells)
        uscc = checked.values.get("uscc")
        if uscc in first_row:
            checked.problems.append(
                Problem(
                    number,
                    result.header("uscc"),
                    _("This code is also on row %(row)d; each enterprise may appear only once.")
                    % {"row": first_row[uscc]},
                )
            )
        elif uscc:
            first_row[uscc] = number
        for problem in checked.problems:
            result.add(problem)
        if not checked.problems:
            result.rows.append(checked)
            if len(result.warnings) < MAX_STORED_PROBLEMS:
                result.warnings += _row_warnings(checked, result)
        count += 1
        if count % every == 0:
            job.rows_done = count
            job.save(update_fields=["rows_done"])
    result.total = count
    if not count:
        result.add(Problem(None, "", _("The file has no enterprises below the header row.")))


def _row_warnings(checked: CheckedRow, result: CheckResult) -> list[Problem]:
    """What a good row should be checked for; it is imported all the same."""
    values = checked.values
    found = []
    scale = scale_warning(
        values.get("industry_id"),
        values.get("annual_revenue"),
        values.get("employees"),
        values.get("scale") or "",
    )
    if scale:
        found.append(Problem(checked.row, result.header("scale"), scale))
    area = outside_beijing_warning(values.get("uscc") or "")
    if area:
        found.append(Problem(checked.row, result.header("uscc"), area))
    return found


def _classify(job: ImportJob, result: CheckResult, *, lock: bool = False) -> None:
    """Sort the good rows into new, changed and unchanged enterprises; an
    existing code is a problem when the user asked for that, or when the
    enterprise is outside the importer's district."""
    qs = Enterprise.objects.select_for_update() if lock else Enterprise.objects.all()
    codes = [checked.values["uscc"] for checked in result.rows]
    existing: dict[str, Enterprise] = {}
    for start in range(0, len(codes), BATCH_SIZE):
        for found in qs.filter(uscc__in=codes[start : start + BATCH_SIZE]):
            existing[found.uscc] = found
    org = job.organisation
    result.to_create, result.to_update, result.unchanged = [], [], 0
    for checked in result.rows:
        values = checked.values
        enterprise = existing.get(values["uscc"])
        if enterprise is None:
            result.to_create.append(values)
        elif org.kind != OrganisationKind.CITY_OFFICE and enterprise.region_id != org.region_id:
            result.add(
                Problem(
                    checked.row,
                    result.header("uscc"),
                    _(
                        "An enterprise with this code is registered in another district; only that "
                        "district or the city office can change it."
                    ),
                )
            )
        elif job.mode == ImportJob.Mode.CREATE:
            result.add(
                Problem(
                    checked.row,
                    result.header("uscc"),
                    _(
                        "Already in the registry as “%(name)s”. Remove the row, or upload again and "
                        "choose to update enterprises already in the registry."
                    )
                    % {"name": enterprise.name},
                )
            )
        elif all(getattr(enterprise, name) == values[name] for name in ATTNAMES):
            result.unchanged += 1
        else:
            result.to_update.append((enterprise, values))


def _write(result: CheckResult) -> None:
    Enterprise.objects.bulk_create(
        [Enterprise(**values) for values in result.to_create], batch_size=BATCH_SIZE
    )
    _update_rows(result.to_update)
    # Whoever keeps a copy of an enterprise's place or name follows the ones that
    # moved or were renamed.
    for enterprise, values in result.to_update:
        before = signals.copied_of(enterprise)
        for name in signals.COPIED_FIELDS:
            if name in values:
                setattr(enterprise, name, values[name])
        signals.send_changes(enterprise, before)


def _update_rows(rows: list[tuple[Enterprise, dict[str, Any]]]) -> None:
    """One parameterised UPDATE per enterprise, sent with executemany.

    QuerySet.bulk_update builds a CASE WHEN per field with a branch per row,
    which SQLite evaluates in quadratic time: 20,000 rows took 45 s there,
    against a few seconds this way on either database.
    """
    if not rows:
        return
    fields = [_table_field(name) for name in ATTNAMES]
    fields.append(_table_field("updated_at"))
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(Enterprise._meta.db_table),
        ", ".join(f"{quote(_column(field))} = %s" for field in fields),
        quote(_column(Enterprise._meta.pk)),
    )
    now = timezone.now()  # updated_at: auto_now is not applied to raw updates
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            params = []
            for enterprise, values in rows[start : start + BATCH_SIZE]:
                row = [
                    field.get_db_prep_save(values[field.attname], connection)
                    for field in fields[:-1]
                ]
                row.append(fields[-1].get_db_prep_save(now, connection))
                row.append(enterprise.pk)
                params.append(row)
            cursor.executemany(sql, params)


def _finish(job: ImportJob, result: CheckResult, status: str) -> None:
    problems = sorted(result.problems, key=lambda problem: problem.row or 0)
    job.errors = [problem.as_dict() for problem in problems]
    if result.problem_count > len(problems):
        job.errors.append(
            Problem(
                None,
                "",
                _(
                    "%(n)d more problems are not listed. Correct the ones above and upload the file "
                    "again."
                )
                % {"n": result.problem_count - len(problems)},
            ).as_dict()
        )
    job.error_count = result.problem_count
    job.warnings = [warning.as_dict() for warning in result.warnings[:MAX_STORED_PROBLEMS]]
    job.status = status
    job.total_rows = job.rows_done = result.total
    job.created_count = len(result.to_create)
    job.updated_count = len(result.to_update)
    job.unchanged_count = result.unchanged
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "errors",
            "error_count",
            "warnings",
            "status",
            "total_rows",
            "rows_done",
            "created_count",
            "updated_count",
            "unchanged_count",
            "finished_at",
        ]
    )
