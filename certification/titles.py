"""The titles the portal gives publicity batches, announcements and
verification batches, shown in the reader's language.

They are stored in Chinese, the language of the published record (“2026年第2批
安全生产标准化达标企业公示”); an English page shows the same title in English. A
title someone typed stays as typed.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language
from django.utils.translation import gettext as _

PUBLICITY = re.compile(r"^(?P<year>\d{4})年第(?P<number>\d+)批安全生产标准化达标企业公示$")
AWARD = re.compile(r"^(?P<year>\d{4})年第(?P<number>\d+)批安全生产标准化达标企业公告$")
REVOCATION = re.compile(r"^(?P<year>\d{4})年第(?P<number>\d+)批安全生产标准化撤销等级公告$")
VERIFICATION = re.compile(r"^(?P<date>\d{4}-\d\d-\d\d) 复核批次 (?P<number>\d+)$")


def shown_title(title: str) -> str:
    if not (get_language() or "").startswith("en"):
        return title
    for pattern, text in (
        (PUBLICITY, _("Publicity no. %(number)s of %(year)s: enterprises reaching the standard")),
        (AWARD, _("Announcement no. %(number)s of %(year)s: enterprises reaching the standard")),
        (REVOCATION, _("Announcement no. %(number)s of %(year)s: grades revoked")),
        (VERIFICATION, _("Verification batch %(number)s of %(date)s")),
    ):
        found = pattern.match(title)
        if found:
            return text % found.groupdict()
    return title
