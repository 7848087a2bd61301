"""The columns of the ledger workbook, in the enterprise import's Column shape.

Headers are written in the user's language and read in either, like the
enterprise import's (enterprises/importing/columns.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enterprises.importing.columns import Column, normalise_header

COLUMNS = [
    Column("found_on", "发现日期", "Found on", True, _("Required. A date, e.g. 2026-03-15."), 12),
    Column(
        "source",
        "隐患来源",
        "Source",
        True,
        _("Required. One of the sheet “Valid values” (e.g. 自查)."),
        14,
    ),
    Column("location", "位置或设备", "Location or equipment", True, _("Required."), 24),
    Column("description", "隐患描述", "Description", True, _("Required."), 40),
    Column(
        "category",
        "隐患类别",
        "Category",
        True,
        _("Required. 基础管理类 or 现场管理类."),
        14,
    ),
    Column("grade", "隐患级别", "Grade", True, _("Required. 一般 or 重大."), 10),
    Column(
        "major_code",
        "判定依据编号",
        "Major-hazard basis code",
        False,
        _("Required for a major hazard: the item's code from the sheet “Valid values”."),
        14,
    ),
    Column("basis", "依据条款", "Basis", False, _("The clause or criterion breached."), 24),
    Column("measures", "整改措施", "Rectification measures", False, "", 30),
    Column("responsible_department", "责任部门", "Responsible department", False, "", 16),
    Column("responsible_person", "责任人", "Responsible person", False, "", 12),
    Column("funds", "整改资金(元)", "Funds (yuan)", False, _("A number, not negative."), 12),
    Column(
        "deadline",
        "整改期限",
        "Deadline",
        True,
        _("Required. A date, not before the day the hazard was found."),
        12,
    ),
    Column(
        "status",
        "状态",
        "Status",
        True,
        _("Required. 未销号 (open) or 已销号 (closed)."),
        10,
    ),
    Column(
        "closed_on",
        "销号日期",
        "Closed on",
        False,
        _("Required for a closed hazard: the day it was closed (销号)."),
        12,
    ),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
HEADER_LOOKUP = {
    normalise_header(header): column for column in COLUMNS for header in (column.zh, column.en)
}
