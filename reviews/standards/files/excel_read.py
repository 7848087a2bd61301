"""Reading the Excel template into the same data as a YAML file, remembering
the sheet, row and column of every field for the error messages."""

from __future__ import annotations

import difflib
import io
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from enterprises.importing.reading import xlsx_problem
from reviews.standards.files.excel_layout import (
    BOOLEAN_FIELDS,
    COLUMNS,
    COLUMNS_BY_KEY,
    CRITERIA_SHEET,
    CRITERION_FIELDS,
    FALSE_WORDS,
    HEADER_KEYS,
    HEADER_LOOKUP,
    LIST_FIELDS,
    LIST_KEYS,
    STANDARD_SHEET,
    TEXT_COLUMNS,
    TRUE_WORDS,
    normalise_header,
)
from reviews.standards.files.problems import Location, Path, Problem

MAX_ROWS = 5000
NUMBER_FIELDS = ("points", "extra_deduction", "full_marks", "deduction_unit")


class ExcelLocator:
    def __init__(self) -> None:
        self.cells: dict[Path, Location] = {}

    def locate(self, path: Path) -> Location:
        path = tuple(path)
        while path not in self.cells and path:
            path = path[:-1]
        return self.cells.get(path, Location())


def _text(value: Any) -> str | None:
    """A cell as text; a code typed as a number (1, 1.1) becomes "1", "1.1"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value == value else None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> Any:
    """Numbers stay numbers; text that is a number becomes one; anything else
    is left for the schema to refuse with a clear message."""
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace("，", "").replace(",", ""))
        except InvalidOperation:
            return value.strip()
    return value


def _boolean(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value != 0
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    return str(value).strip()  # the schema says: must be true or false


def _find_sheet(workbook, names: tuple[str, str]):
    wanted = {normalise_header(name) for name in names}
    for worksheet in workbook.worksheets:
        if normalise_header(worksheet.title) in wanted:
            return worksheet
    return None


def read_excel(content: bytes, *, file: str) -> tuple[Any, ExcelLocator, list[Problem]]:
    """(data, locator, problems): data is None when the workbook cannot be read."""
    locator = ExcelLocator()
    buffer = io.BytesIO(content)
    reason = xlsx_problem(buffer)
    if reason:
        return None, locator, [Problem(message=reason, file=file)]
    try:
        workbook = openpyxl.load_workbook(buffer, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file  # noqa: BLE001
        return (
            None,
            locator,
            [
                Problem(
                    message=_(
                        "The workbook cannot be read; open it in Excel or WPS, save it again as "
                        "“Excel Workbook (*.xlsx)” and upload that file."
                    ),
                    file=file,
                )
            ],
        )
    try:
        standard = _find_sheet(workbook, STANDARD_SHEET)
        criteria = _find_sheet(workbook, CRITERIA_SHEET)
        missing = [
            names
            for names, sheet in ((STANDARD_SHEET, standard), (CRITERIA_SHEET, criteria))
            if sheet is None
        ]
        if missing:
            return (
                None,
                locator,
                [
                    Problem(
                        message=_(
                            "The workbook has no sheet “%(zh)s” (or “%(en)s”). Start from the template of "
                            "the standards page."
                        )
                        % {"zh": names[1], "en": names[0]},
                        file=file,
                    )
                    for names in missing
                ],
            )
        for sheet in (standard, criteria):
            # The dimension a file declares can be wrong; rows past it would be lost.
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
        problems: list[Problem] = []
        data = _read_standard_sheet(standard, locator, problems, file)
        data["elements"] = _read_criteria_sheet(criteria, locator, problems, file)
        if not data["elements"]:
            del data["elements"]
    finally:
        workbook.close()
    return data, locator, problems


def _read_standard_sheet(sheet, locator: ExcelLocator, problems: list[Problem], file: str) -> dict:
    data: dict[str, Any] = {}
    rows_of: dict[str, int] = {}
    locator.cells[()] = Location(sheet=sheet.title)
    for number, row in enumerate(sheet.iter_rows(min_row=2, max_col=2, values_only=True), start=2):
        if number > 200:
            break
        key_cell = row[0] if row else None
        value = row[1] if len(row) > 1 else None
        key = _text(key_cell)
        if key is None:
            continue
        key = key.lower()
        if key not in HEADER_KEYS:
            close = difflib.get_close_matches(key, HEADER_KEYS, n=1)
            problems.append(
                Problem(
                    message=(
                        _("Unknown key “%(key)s”. Did you mean “%(close)s”?")
                        % {"key": key, "close": close[0]}
                        if close
                        else _("Unknown key “%(key)s”; use the keys of the template.")
                        % {"key": key}
                    ),
                    file=file,
                    location=Location(sheet=sheet.title, row=number, column="A"),
                )
            )
            continue
        if key in rows_of:
            problems.append(
                Problem(
                    message=_("The key “%(key)s” appears twice (first in row %(first)d); keep one.")
                    % {"key": key, "first": rows_of[key]},
                    file=file,
                    location=Location(sheet=sheet.title, row=number, column="A"),
                )
            )
            continue
        rows_of[key] = number
        here = Location(sheet=sheet.title, row=number, column="B")
        if key.startswith(("thresholds.", "element_minimums.")):
            group, grade = key.split(".", 1)
            locator.cells.setdefault((group,), here)
            locator.cells[(group, grade)] = here
            if value is not None and _text(value) is not None:
                data.setdefault(group, {})[grade] = _number(value)
            continue
        locator.cells[(key,)] = here
        if key in LIST_KEYS:
            items = [item for item in re.split(r"[,，、;；\s]+", _text(value) or "") if item]
            data[key] = items
            for index in range(len(items)):
                locator.cells[(key, index)] = here
        elif value is None or _text(value) is None:
            continue
        elif key == "full_marks":
            data[key] = _number(value)
        elif key == "effective_date":
            data[key] = value if not isinstance(value, str) else value.strip()
        else:
            data[key] = _text(value)
    return data


def _read_header(
    sheet, locator: ExcelLocator, problems: list[Problem], file: str
) -> tuple[dict[int, str], Any]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, ())
    columns: dict[int, str] = {}
    seen: set[str] = set()
    for index, value in enumerate(header):
        text = _text(value)
        if text is None:
            continue
        column = HEADER_LOOKUP.get(normalise_header(text))
        letter = get_column_letter(index + 1)
        where = Location(sheet=sheet.title, row=1, column=letter)
        if column is None:
            problems.append(
                Problem(
                    message=_(
                        "Unknown column “%(header)s”; use the column headers of the template."
                    )
                    % {"header": text},
                    file=file,
                    location=where,
                )
            )
        elif column.key in seen:
            problems.append(
                Problem(
                    message=_("The column “%(header)s” appears twice.") % {"header": text},
                    file=file,
                    location=where,
                )
            )
        else:
            seen.add(column.key)
            columns[index] = column.key
    missing = [column for column in COLUMNS if column.required and column.key not in seen]
    if missing:
        problems.append(
            Problem(
                message=_("Row 1 must hold the template's column headers. Missing: %(columns)s.")
                % {"columns": "、".join(column.header() for column in missing)},
                file=file,
                location=Location(sheet=sheet.title, row=1),
            )
        )
    return columns, rows


def _read_criteria_sheet(
    sheet, locator: ExcelLocator, problems: list[Problem], file: str
) -> list[dict]:
    locator.cells[("elements",)] = Location(sheet=sheet.title)
    count_before = len(problems)
    columns, rows = _read_header(sheet, locator, problems, file)
    if len(problems) > count_before:
        return []
    letters = {key: get_column_letter(index + 1) for index, key in columns.items()}

    def at(row: int, key: str) -> Location:
        return Location(sheet=sheet.title, row=row, column=letters.get(key, ""))

    elements: list[dict] = []
    a_by_code: dict[str, dict] = {}
    b_by_code: dict[tuple[int, str], dict] = {}
    places: dict[int, tuple[str, int]] = {}  # id(element or criterion) -> (kind, row)
    current_a: dict | None = None
    current_b: dict | None = None
    a: dict[str, Any] | None

    def same_name(
        element: dict, key: str, value: str | None, number: int, column: str, first_row: int
    ) -> None:
        if value is None:
            return
        if key not in element:
            element[key] = value
        elif element[key] != value:
            problems.append(
                Problem(
                    message=_(
                        "Element %(code)s is named “%(first)s” in row %(row)d but “%(this)s” here; "
                        "give it one name."
                    )
                    % {
                        "code": element["code"],
                        "first": element[key],
                        "row": first_row,
                        "this": value,
                    },
                    file=file,
                    location=at(number, column),
                )
            )

    for number, values in enumerate(rows, start=2):
        cells = {key: values[index] for index, key in columns.items() if index < len(values)}
        if all(_text(value) is None for value in cells.values()):
            continue
        if number > MAX_ROWS + 1:
            problems.append(
                Problem(
                    message=_("More than %(n)d criteria; split the standard into several files.")
                    % {"n": MAX_ROWS},
                    file=file,
                    location=at(number, "code"),
                )
            )
            break
        a_code = _text(cells.get("a_code"))
        if a_code is None:
            if current_a is None:
                problems.append(
                    Problem(
                        message=_(
                            "Give the A element's code; a blank cell means “as in the row above”, and "
                            "there is no row above."
                        ),
                        file=file,
                        location=at(number, "a_code"),
                    )
                )
                continue
            a, a_changed = current_a, False
        else:
            a = a_by_code.get(a_code)
            if a is None:
                a = {"code": a_code}
                a_by_code[a_code] = a
                elements.append(a)
                places[id(a)] = ("a", number)
            a_changed = a is not current_a
        same_name(a, "name", _text(cells.get("a_name")), number, "a_name", places[id(a)][1])
        same_name(
            a, "name_en", _text(cells.get("a_name_en")), number, "a_name_en", places[id(a)][1]
        )
        b_code = _text(cells.get("b_code"))
        if b_code is None:
            b = None if a_changed else current_b
        else:
            b_key = (id(a), b_code)
            b = b_by_code.get(b_key)
            if b is None:
                b = {"code": b_code}
                b_by_code[b_key] = b
                a.setdefault("elements", []).append(b)
                places[id(b)] = ("b", number)
        if b is not None:
            same_name(b, "name", _text(cells.get("b_name")), number, "b_name", places[id(b)][1])
            same_name(
                b, "name_en", _text(cells.get("b_name_en")), number, "b_name_en", places[id(b)][1]
            )
        current_a, current_b = a, b
        criterion: dict[str, Any] = {}
        for key in CRITERION_FIELDS:
            value = cells.get(key)
            if key in BOOLEAN_FIELDS:
                if _text(value) is not None or isinstance(value, bool):
                    criterion[key] = _boolean(value)
            elif key in LIST_FIELDS:
                if _text(value) is not None:
                    criterion[key] = [
                        item for item in re.split(r"[,，、;；\s]+", _text(value) or "") if item
                    ]
            elif key in NUMBER_FIELDS:
                if _text(value) is not None:
                    criterion[key] = _number(value)
            elif key in TEXT_COLUMNS:
                if _text(value) is not None:
                    criterion[key] = _text(value)
            elif value is not None and _text(value) is not None:
                criterion[key] = str(value).strip()
        owner = b if b is not None else a
        owner.setdefault("criteria", []).append(criterion)
        places[id(criterion)] = ("c", number)

    # Paths are known once the tree is complete.
    for i, a in enumerate(elements):
        _place_element(locator, ("elements", i), places[id(a)][1], "a", at)
        for k, criterion in enumerate(a.get("criteria", [])):
            _place_criterion(locator, ("elements", i, "criteria", k), places[id(criterion)][1], at)
        for j, b in enumerate(a.get("elements", [])):
            _place_element(locator, ("elements", i, "elements", j), places[id(b)][1], "b", at)
            for k, criterion in enumerate(b.get("criteria", [])):
                _place_criterion(
                    locator,
                    ("elements", i, "elements", j, "criteria", k),
                    places[id(criterion)][1],
                    at,
                )
    return elements


def _place_element(locator: ExcelLocator, path: Path, row: int, level: str, at) -> None:
    locator.cells[path] = at(row, f"{level}_code")
    for key, column in (("code", "code"), ("name", "name"), ("name_en", "name_en")):
        locator.cells[path + (key,)] = at(row, f"{level}_{column}")
    locator.cells[path + ("elements",)] = at(row, "b_code")
    locator.cells[path + ("criteria",)] = at(row, "code")


def _place_criterion(locator: ExcelLocator, path: Path, row: int, at) -> None:
    locator.cells[path] = at(row, "code")
    for key in CRITERION_FIELDS:
        locator.cells[path + (key,)] = at(row, key if key in COLUMNS_BY_KEY else "code")
