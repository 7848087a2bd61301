"""The layout of the Excel authoring template: its sheets, keys and columns.

Headers are written in the user's language and read in either language (or
as the plain field keys), so a template downloaded in English can be filled
in by a colleague working in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

STANDARD_SHEET = ("standard", "标准")
CRITERIA_SHEET = ("criteria", "考评内容")
VALUES_SHEET = ("valid values", "可选值")

# Rows of the "standard" sheet: key, explanation.
HEADER_ROWS = [
    ("code", _("Standard code: lower-case letters, digits and “-”, e.g. gongmao-general.")),
    ("name", _("Name of the standard (Chinese).")),
    ("name_en", _("English name (optional).")),
    (
        "grading",
        _("tiered (levels 1/2/3), small_micro (pass or fail) or post (every post must pass)."),
    ),
    ("regime", _("gongmao_2011, dingji_2021, small_micro_2014 or beijing.")),
    ("industries", _("Industry codes separated by commas; empty = every industry.")),
    ("scales", _("above, below, small_micro separated by commas; empty = every scale.")),
    ("description", _("Description (optional).")),
    ("version", _("Version label, unique per standard, e.g. 2026.")),
    ("effective_date", _("Effective date, YYYY-MM-DD.")),
    ("full_marks", _("Full marks; must equal the sum of the criteria's points.")),
    ("thresholds.1", _("Level 1 minimum score out of 100 (tiered standards).")),
    ("thresholds.2", _("Level 2 minimum score out of 100 (tiered standards).")),
    ("thresholds.3", _("Level 3 minimum score out of 100 (tiered standards).")),
    ("thresholds.pass", _("Pass mark out of 100 (small and micro, and post standards).")),
    (
        "element_minimums.1",
        _("Level 1: least percent of its points every A element must earn (optional)."),
    ),
    (
        "element_minimums.2",
        _("Level 2: least percent of its points every A element must earn (optional)."),
    ),
    (
        "element_minimums.3",
        _("Level 3: least percent of its points every A element must earn (optional)."),
    ),
    (
        "element_minimums.pass",
        _("Pass: least percent of its points every A element must earn (optional)."),
    ),
]
HEADER_KEYS = [key for key, _help in HEADER_ROWS]
LIST_KEYS = ("industries", "scales")


@dataclass(frozen=True)
class Column:
    key: str  # the criterion field, or a_code / a_name / b_code …
    en: str
    zh: str
    width: int = 14
    required: bool = False

    def header(self) -> str:
        return self.en if english() else self.zh


COLUMNS = [
    Column("a_code", "A code", "一级要素编号", 10, True),
    Column("a_name", "A name", "一级要素名称", 18),
    Column("b_code", "B code", "二级要素编号", 10),
    Column("b_name", "B name", "二级要素名称", 18),
    Column("code", "Criterion code", "考评内容编号", 12, True),
    Column("requirement", "Requirement", "考评内容", 50, True),
    Column("method", "Method", "考评方法", 40, True),
    Column("points", "Points", "标准分值", 8, True),
    Column("veto", "Veto", "否决项", 8),
    Column("guidance", "Guidance", "通俗说明", 40),
    Column("evidence", "Evidence", "典型证据", 30),
    Column("extra_deduction", "Extra deduction", "追加扣分", 10),
    Column("extra_deduction_note", "Extra deduction rule", "追加扣分说明", 30),
    Column("extra_trigger", "Extra deduction taken", "追加扣除条件", 14),
    Column("veto_grades", "Veto grades", "否决等级", 10),
    Column("allow_na", "May be N/A", "允许不适用", 10),
    Column("deduction_unit", "Deduction per occurrence", "每处扣分", 10),
    Column("a_name_en", "A name (English)", "一级要素英文名称", 18),
    Column("b_name_en", "B name (English)", "二级要素英文名称", 18),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
TEXT_COLUMNS = ("a_code", "b_code", "code")
CRITERION_FIELDS = [
    "code",
    "requirement",
    "method",
    "points",
    "veto",
    "guidance",
    "evidence",
    "extra_deduction",
    "extra_deduction_note",
    "extra_trigger",
    "veto_grades",
    "allow_na",
    "deduction_unit",
]
# Criterion columns read as true/false, and as a list of grades.
BOOLEAN_FIELDS = ("veto", "allow_na")
LIST_FIELDS = ("veto_grades",)

TRUE_WORDS = {"yes", "y", "true", "1", "是", "√", "✓", "✔"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "×", "-"}


def english() -> bool:
    return (get_language() or "").startswith("en")


def sheet_name(names: tuple[str, str]) -> str:
    return names[0] if english() else names[1]


def normalise_header(text: str) -> str:
    return re.sub(r"[\s_()（）*]+", "", str(text)).lower()


HEADER_LOOKUP = {
    normalise_header(name): column
    for column in COLUMNS
    for name in (column.en, column.zh, column.key)
}
