"""The columns of the enterprise workbook, shared by the template, the import and the export.

Headers are written in the user's language (Chinese by default) and read in
either language, so a file exported by an English-speaking user imports
for a Chinese-speaking one and the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Column:
    key: str  # Enterprise field
    zh: str  # header in Chinese (the template's default)
    en: str  # header in English
    required: bool = False
    help: StrOrPromise = ""  # shown as a comment on the template's header cell
    width: int = 16

    def header(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.zh


COLUMNS = [
    Column("name", "企业名称", "Name", True, _("Required. The registered name."), 36),
    Column(
        "uscc",
        "统一社会信用代码",
        "Unified social credit code",
        True,
        _("Required. 18 characters; the last one is a check character."),
        22,
    ),
    Column(
        "region",
        "所属区",
        "District",
        True,
        _("Required. A district name or code from the sheet “Valid values”."),
        14,
    ),
    Column(
        "street",
        "街道/乡镇",
        "Street or town",
        False,
        _("A street or town of the district, by name or code (sheet “Valid values”)."),
        16,
    ),
    Column("address", "地址", "Address", False, "", 36),
    Column(
        "industry",
        "行业",
        "Industry",
        False,
        _("An industry name or code from the sheet “Valid values”."),
        14,
    ),
    Column(
        "scale",
        "规模",
        "Scale",
        False,
        _(
            "Above designated size (规模以上), below designated size (规模以下) or small "
            "and micro (小微)."
        ),
        12,
    ),
    Column("employees", "从业人数", "Employees", False, _("A whole number."), 10),
    Column(
        "annual_revenue",
        "年营业收入(万元)",
        "Annual revenue (10k CNY)",
        False,
        _("In units of 10,000 yuan; a number, not negative."),
        14,
    ),
    Column("legal_representative", "法定代表人", "Legal representative"),
    Column("safety_principal", "安全负责人", "Principal responsible for safety"),
    Column("contact_name", "联系人", "Contact"),
    Column("contact_phone", "联系电话", "Contact phone", False, "", 16),
    Column(
        "group",
        "所属集团",
        "Enterprise group",
        False,
        _("The name of an enterprise group registered in the portal."),
        28,
    ),
    Column(
        "safety_licence_no",
        "安全生产许可证号",
        "Safety licence number",
        False,
        _("Required for industries that need a safety licence (sheet “Valid values”)."),
        22,
    ),
    Column(
        "safety_licence_expires",
        "许可证有效期",
        "Safety licence expires",
        False,
        _("A date, e.g. 2027-06-30."),
        14,
    ),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

_SPACES = re.compile(r"\s+")
_FULLWIDTH = str.maketrans("（）：", "():")


def normalise_header(text: str) -> str:
    """Forgive what people change by hand: spaces, full-width brackets, case, a
    required-field star."""
    text = _SPACES.sub("", str(text).translate(_FULLWIDTH)).strip("*＊")
    return text.casefold()


# Written by the export after the template's columns and skipped by the import, so
# an exported file still imports: the registry's view of each enterprise's grade.
READ_ONLY_COLUMNS = [
    Column("grade", "达标等级（只读）", "Grade (read only)", width=14),
    Column(
        "certificate_valid_until", "证书有效期至（只读）", "Certificate valid until (read only)"
    ),
]
READ_ONLY_HEADERS = {
    normalise_header(header) for column in READ_ONLY_COLUMNS for header in (column.zh, column.en)
}

HEADER_LOOKUP = {
    normalise_header(header): column for column in COLUMNS for header in (column.zh, column.en)
}
