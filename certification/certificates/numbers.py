"""A certificate number as people type it, written the way the portal writes it.

The portal numbers certificates 京AQBJXⅢ202600001 (certification.publicity.rules:
region prefix, "AQB", a two-letter industry code, the level as a Roman numeral
U+2160–U+2162 or "XW", the year and a five-digit sequence). Nobody types U+2162:
people type "III", "iii", "3", full-width letters from a Chinese input method,
spaces between the groups, or forget the 京. The lookup compares exactly, so the
typed form is rewritten to the written one first.
"""

from __future__ import annotations

import re
import unicodedata

from certification.publicity.rules import PASS_MARK, REGION_PREFIX, ROMAN

# Spaces of any width, hyphens and dots people put between the groups.
_SEPARATORS = re.compile(r"[\s\-_.·•/\\]+")
# After NFKC and upper-casing: Ⅲ became "III", ｉｉｉ became "III".
_TYPED = re.compile(
    rf"^(?P<prefix>{REGION_PREFIX})?AQB(?P<code>[A-Z]{{2}})"
    r"(?P<level>III|II|I|XW|[123]|[一二三])(?P<year>\d{4})(?P<seq>\d{5})$"
)
_LEVELS = {
    "I": "1",
    "II": "2",
    "III": "3",
    "1": "1",
    "2": "2",
    "3": "3",
    "一": "1",
    "二": "2",
    "三": "3",
}


def normalise_certificate_number(value: str | None) -> str:
    """The certificate number written as the portal writes it.

    Anything that does not look like a portal number comes back only tidied
    (full-width to ASCII, upper case, no spaces), so an exact lookup of an
    unusual number still works and a wrong one still finds nothing.
    """
    text = unicodedata.normalize("NFKC", value or "")
    text = _SEPARATORS.sub("", text).upper()
    match = _TYPED.match(text)
    if not match:
        return text
    level = match["level"]
    mark = PASS_MARK if level == PASS_MARK else ROMAN[_LEVELS[level]]
    # Levels 2 and 3 and the small-firm pass are numbered with the region
    # prefix, level 1 nationally without it: the prefix follows the level.
    prefix = "" if mark == ROMAN["1"] else REGION_PREFIX
    return f"{prefix}AQB{match['code']}{mark}{match['year']}{match['seq']}"
