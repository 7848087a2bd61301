"""The certificate number as people type it (certification/certificates/numbers.py)."""

from __future__ import annotations

import pytest

from certification.certificates.numbers import normalise_certificate_number

CANONICAL = "京AQBJXⅢ202600001"


@pytest.mark.parametrize(
    "typed",
    [
        "京AQBJXⅢ202600001",  # as printed
        "京AQBJXIII202600001",  # three capital I
        "京aqbjxiii202600001",  # lower case
        "京aqbjx iii 2026 00001",  # spaces between the groups
        "  京AQBJX Ⅲ 2026 00001  ",
        "京ＡＱＢＪＸⅢ２０２６００００１",  # full-width, from a Chinese input method
        "京ａｑｂｊｘ　ｉｉｉ　２０２６　００００１",  # full-width lower case, ideographic spaces
        "京AQBJXⅲ202600001",  # the small Roman numeral
        "京AQBJX3202600001",  # 3 for Ⅲ
        "京AQBJX三202600001",  # 三 for Ⅲ
        "京AQB-JX-III-2026-00001",  # hyphens
        "AQBJXIII202600001",  # the 京 left out (level 3 always has it)
        "京\tAQBJX\nIII 202600001",
    ],
)
def test_typed_forms_become_the_printed_number(typed):
    assert normalise_certificate_number(typed) == CANONICAL


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("京AQBJXII202600007", "京AQBJXⅡ202600007"),
        ("京aqbwh2 2025 00012", "京AQBWHⅡ202500012"),
        # Level 1 is numbered nationally, without the region prefix.
        ("AQBJXI201400001", "AQBJXⅠ201400001"),
        ("aqbjx1201400001", "AQBJXⅠ201400001"),
        ("京AQBJXⅠ201400001", "AQBJXⅠ201400001"),
        # The small-firm pass standard, and industries without a national code.
        ("京aqbjx xw 2026 00003", "京AQBJXXW202600003"),
        ("京AQBQTⅢ202600002", "京AQBQTⅢ202600002"),
        ("jing aqb", "JINGAQB"),
    ],
)
def test_other_levels_and_marks(typed, expected):
    assert normalise_certificate_number(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", ""),
        (None, ""),
        ("   ", ""),
        # Not a portal number: only tidied, so an exact lookup finds nothing wrong.
        ("京AQBJXⅣ202600001", "京AQBJXIV202600001"),
        ("京AQBJXIII20260001", "京AQBJXIII20260001"),  # a digit short
        ("abc 123", "ABC123"),
    ],
)
def test_what_is_not_a_number_is_only_tidied(typed, expected):
    assert normalise_certificate_number(typed) == expected
