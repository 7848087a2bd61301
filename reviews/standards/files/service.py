"""Importing a standard file: parse and check it (a dry run), see what the
import would do, and write it in one transaction."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import PurePath
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import audit
from portal.errors import ServiceError
from portal.models import Industry, User
from reviews.models import Criterion, Element, GradeThreshold, Standard, StandardVersion
from reviews.standards import services as services_standards
from reviews.standards.files.data import Summary, canonical, normalise, summarise, version_data
from reviews.standards.files.excel_read import read_excel
from reviews.standards.files.problems import Problem, StandardFileError, sort_key
from reviews.standards.files.rules import rule_problems
from reviews.standards.files.schema import schema_problems
from reviews.standards.files.yaml_file import read_yaml

MAX_BYTES = 5 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIXES = (".xlsx",)
STANDARD_FIELDS = ["name", "name_en", "grading", "regime", "description", "scales"]


@dataclass(frozen=True)
class ParsedFile:
    """A checked file, ready to import."""

    file: str
    format: str  # "yaml" or "xlsx"
    sha256: str
    data: dict[str, Any]

    @cached_property
    def summary(self) -> Summary:
        return summarise(self.data)

    @property
    def code(self) -> str:
        code: str = self.data["code"]
        return code

    @property
    def version(self) -> str:
        version: str = self.data["version"]
        return version


def file_format(filename: str) -> str | None:
    suffix = PurePath(filename).suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    return None


def parse_standard_file(*, filename: str, content: bytes) -> ParsedFile:
    """Read and check a file; StandardFileError lists every problem found."""
    name = PurePath(filename).name
    fmt = file_format(name)
    if fmt is None:
        raise StandardFileError(
            [
                Problem(
                    file=name,
                    message=_(
                        "Upload a standard file: YAML (.yaml, .yml) or the Excel template (.xlsx)."
                    ),
                )
            ]
        )
    if len(content) > MAX_BYTES:
        raise StandardFileError(
            [
                Problem(
                    file=name,
                    message=_("The file is larger than %(mb)d MB.")
                    % {"mb": MAX_BYTES // (1024 * 1024)},
                )
            ]
        )
    reader = read_yaml if fmt == "yaml" else read_excel
    raw, locator, problems = reader(content, file=name)
    if raw is None:
        raise StandardFileError(problems)
    data = normalise(raw)
    problems = (
        problems
        + schema_problems(data, file=name, locator=locator)
        + rule_problems(data, file=name, locator=locator)
    )
    if problems:
        raise StandardFileError(sorted(problems, key=sort_key))
    return ParsedFile(file=name, format=fmt, sha256=hashlib.sha256(content).hexdigest(), data=data)


class Action:
    NEW_STANDARD = "new_standard"
    NEW_VERSION = "new_version"
    REPLACE_DRAFT = "replace_draft"
    PUBLISH = "publish"
    UNCHANGED = "unchanged"

    LABELS = {
        NEW_STANDARD: gettext_lazy("A new standard with its first version"),
        NEW_VERSION: gettext_lazy("A new version of an existing standard"),
        REPLACE_DRAFT: gettext_lazy("Replaces the contents of the draft version"),
        PUBLISH: gettext_lazy("Same content as the stored draft; it will be published"),
        UNCHANGED: gettext_lazy("Same content as the stored version; nothing changes"),
    }


@dataclass
class ImportPlan:
    action: str
    standard: Standard | None
    version: StandardVersion | None

    @property
    def label(self) -> str:
        return str(Action.LABELS[self.action])


def plan_import(parsed: ParsedFile, *, publish: bool = False, lock: bool = False) -> ImportPlan:
    """What importing the file would do; ServiceError when it may not be imported."""
    standards = Standard.objects.select_for_update() if lock else Standard.objects.all()
    standard = standards.filter(code=parsed.code).first()
    if standard is None:
        return ImportPlan(Action.NEW_STANDARD, None, None)
    versions = StandardVersion.objects.filter(standard=standard)
    fixed = versions.exclude(status=StandardVersion.Status.DRAFT).exists()
    if fixed and standard.grading != parsed.data["grading"]:
        raise ServiceError(
            _(
                "Standard %(code)s has published versions graded “%(old)s”; a file cannot change "
                "its grading to “%(new)s”. Give the file a new standard code."
            )
            % {
                "code": standard.code,
                "old": standard.get_grading_display(),
                "new": parsed.data["grading"],
            },
            field="grading",
        )
    version = (
        (versions.select_for_update() if lock else versions).filter(version=parsed.version).first()
    )
    if version is None:
        return ImportPlan(Action.NEW_VERSION, standard, None)
    version.standard = standard
    same = version.source_sha256 == parsed.sha256 or canonical(version_data(version)) == canonical(
        parsed.data
    )
    is_draft = version.status == StandardVersion.Status.DRAFT
    if same:
        action = Action.PUBLISH if publish and is_draft else Action.UNCHANGED
        return ImportPlan(action, standard, version)
    if not is_draft:
        raise ServiceError(
            _(
                "Version %(version)s of standard %(code)s is %(status)s and cannot change; give the "
                "file a new version."
            )
            % {
                "version": version.version,
                "code": standard.code,
                "status": version.get_status_display().lower(),
            },
            field="version",
        )
    if version.assessments.exists():
        raise ServiceError(
            _(
                "The draft version %(version)s of standard %(code)s already has assessments; give "
                "the file a new version."
            )
            % {"version": version.version, "code": standard.code},
            field="version",
        )
    return ImportPlan(Action.REPLACE_DRAFT, standard, version)


@dataclass(frozen=True)
class ImportResult:
    action: str
    version: StandardVersion

    @property
    def changed(self) -> bool:
        return self.action != Action.UNCHANGED


def import_standard(
    *, actor: User | None, parsed: ParsedFile, publish: bool = False
) -> ImportResult:
    """Write a checked file: the standard, its version as a draft (or
    published when asked), thresholds, elements and criteria."""
    try:
        return _import(actor=actor, parsed=parsed, publish=publish)
    except IntegrityError:
        # Two imports of a new standard or version at the same moment: the
        # unique constraints let one win; the other is told, nothing half-written.
        raise ServiceError(
            _(
                "Standard %(code)s version %(version)s was imported by someone "
                "else at the same moment; look at it before importing again."
            )
            % {"code": parsed.code, "version": parsed.version}
        ) from None


@transaction.atomic
def _import(*, actor: User | None, parsed: ParsedFile, publish: bool) -> ImportResult:
    plan = plan_import(parsed, publish=publish, lock=True)
    # Both keep a version that exists.
    if plan.version is not None and plan.action == Action.UNCHANGED:
        return ImportResult(plan.action, plan.version)
    if plan.version is not None and plan.action == Action.PUBLISH:
        services_standards.publish_locked(actor=actor, version=plan.version)
        return ImportResult(plan.action, plan.version)
    data = parsed.data
    standard, standard_before = _save_standard(plan.standard, data)
    version = plan.version
    if version is None:
        version = StandardVersion(standard=standard, version=data["version"])
    else:
        Criterion.objects.filter(version=version).delete()
        Element.objects.filter(version=version).delete()
        GradeThreshold.objects.filter(version=version).delete()
    version.standard = standard
    version.effective_date = datetime.date.fromisoformat(data["effective_date"])
    version.full_marks = Decimal(data["full_marks"])
    version.source_sha256 = parsed.sha256
    version.save()
    _write_contents(version, data)
    summary = parsed.summary
    audit.record(
        actor=actor,
        action="standard.import",
        obj=version,
        before=standard_before,
        after={
            "file": parsed.file,
            "sha256": parsed.sha256,
            "result": plan.action,
            "standard": audit.snapshot(standard, ["code", *STANDARD_FIELDS]),
            "industries": sorted(data.get("industries") or []),
            "a_elements": summary.a_elements,
            "b_elements": summary.b_elements,
            "criteria": summary.criteria,
            "full_marks": str(summary.full_marks),
        },
    )
    if publish:
        services_standards.publish_locked(actor=actor, version=version)
    return ImportResult(plan.action, version)


def _save_standard(
    standard: Standard | None, data: dict[str, Any]
) -> tuple[Standard, dict[str, Any] | None]:
    before = None
    if standard is None:
        standard = Standard(code=data["code"])
    else:
        before = audit.snapshot(standard, STANDARD_FIELDS)
        before["industries"] = sorted(standard.industries.values_list("code", flat=True))
    standard.name = data["name"]
    standard.name_en = data.get("name_en", "")
    standard.grading = data["grading"]
    standard.regime = data["regime"]
    standard.description = data.get("description", "")
    standard.scales = list(data.get("scales") or [])
    standard.save()
    standard.industries.set(Industry.objects.filter(code__in=data.get("industries") or []))
    return standard, before


def _write_contents(version: StandardVersion, data: dict[str, Any]) -> None:
    minimums = data.get("element_minimums") or {}
    GradeThreshold.objects.bulk_create(
        GradeThreshold(
            version=version,
            grade=grade,
            min_score=Decimal(score),
            min_element_percent=(
                Decimal(minimums[grade]) if minimums.get(grade) is not None else None
            ),
        )
        for grade, score in (data.get("thresholds") or {}).items()
    )
    position = 0
    a_rows: list[tuple[Element, dict[str, Any]]] = []
    for a in data["elements"]:
        a_rows.append(
            (
                Element(
                    version=version,
                    code=a["code"],
                    name=a["name"],
                    name_en=a.get("name_en", ""),
                    position=position,
                ),
                a,
            )
        )
        position += 1 + len(a.get("elements") or [])
    Element.objects.bulk_create([element for element, _a in a_rows])
    b_rows: list[tuple[Element, Element, dict[str, Any]]] = []
    for a_element, a in a_rows:
        for offset, b in enumerate(a.get("elements") or [], start=1):
            b_rows.append(
                (
                    Element(
                        version=version,
                        parent=a_element,
                        code=b["code"],
                        name=b["name"],
                        name_en=b.get("name_en", ""),
                        position=a_element.position + offset,
                    ),
                    a_element,
                    b,
                )
            )
    Element.objects.bulk_create([element for element, _a, _b in b_rows])
    criteria: list[Criterion] = []
    owners = [(a_element, a_element, a) for a_element, a in a_rows]
    owners += [(b_element, a_element, b) for b_element, a_element, b in b_rows]
    # File order: an A element's own criteria, then those of its B elements.
    owners.sort(key=lambda owner: owner[0].position)
    for element, a_element, source in owners:
        for criterion in source.get("criteria") or []:
            criteria.append(
                Criterion(
                    version=version,
                    element=element,
                    a_element=a_element,
                    code=criterion["code"],
                    position=len(criteria),
                    requirement=criterion["requirement"],
                    method=criterion["method"],
                    points=Decimal(criterion["points"]),
                    is_veto=bool(criterion.get("veto", False)),
                    guidance=criterion.get("guidance", ""),
                    evidence=criterion.get("evidence", ""),
                    extra_deduction=Decimal(criterion.get("extra_deduction", 0)),
                    extra_deduction_note=criterion.get("extra_deduction_note", ""),
                    extra_trigger=criterion.get("extra_trigger", ""),
                    veto_grades=list(criterion.get("veto_grades") or []),
                    allow_na=bool(criterion.get("allow_na", True)),
                    deduction_unit=(
                        Decimal(criterion["deduction_unit"])
                        if criterion.get("deduction_unit") is not None
                        else None
                    ),
                )
            )
    Criterion.objects.bulk_create(criteria, batch_size=500)
