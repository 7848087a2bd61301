"""统一社会信用代码 (GB 32100-2015) check character, domain.md §6.2."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...
AUTHORITIES = set("123456789ANY")


def normalise_uscc(raw: str) -> str:
    return "".join(str(raw).split()).upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_errors(code: str) -> list[str]:
    """Every problem with a (normalised) code, in the active language."""
    if len(code) != 18:
        return [
            _("A unified social credit code has 18 characters; this one has %(n)d.")
            % {"n": len(code)}
        ]
    errors = []
    # The 18th character is checked against the expected value below, so a
    # wrong one (even a forbidden letter) gets the more useful message.
    for position, char in enumerate(code[:17], start=1):
        if char not in VALUES:
            errors.append(
                _(
                    "Character %(pos)d (“%(char)s”) is not allowed; the letters I, O, S, V and Z "
                    "are never used."
                )
                % {"pos": position, "char": char}
            )
    if errors:
        return errors
    if code[0] not in AUTHORITIES:
        errors.append(
            _("Character 1 (“%(char)s”) is not a registration authority code.") % {"char": code[0]}
        )
    if not code[2:8].isdigit():
        errors.append(_("Characters 3–8 must be the six-digit administrative division code."))
    expected = check_character(code[:17])
    if code[17] != expected:
        errors.append(
            _("Check character 18 is “%(got)s” but should be “%(expected)s”.")
            % {"got": code[17], "expected": expected}
        )
    return errors


def validate_uscc(value: str) -> None:
    errors = uscc_errors(normalise_uscc(value))
    if errors:
        raise ValidationError(errors, code="invalid_uscc")


def make_uscc(region_code: str, body: str, authority: str = "9", category: str = "1") -> str:
    """Build a valid code; used by demo data and tests."""
    first17 = f"{authority}{category}{region_code}{body}"
    if len(first17) != 17:
        raise ValueError("authority + category + 6-digit region + 9-character body")
    return first17 + check_character(first17)


BEIJING_AREA = "11"  # GB/T 2260: 110000 北京市 and its districts 1101xx


def outside_beijing_warning(code: str) -> str | None:
    """Characters 3–8 are the registering authority's area (GB 32100-2015); a code from
    outside Beijing is allowed (a firm registered elsewhere may operate here) but named."""
    area = code[2:8]
    if len(area) == 6 and area.isdigit() and not area.startswith(BEIJING_AREA):
        return _(
            "The code was issued outside Beijing (area code %(area)s). Check it; the "
            "district will ask for proof that the enterprise operates in Beijing."
        ) % {"area": area}
    return None
