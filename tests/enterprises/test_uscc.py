import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enterprises.uscc import ALPHABET, check_character, make_uscc, uscc_errors, validate_uscc

VALID = [
    "91110000802100433B",
    "91110108551385082Q",
    "91440300708461136T",
    "91512081MA62K0260E",
    "91350100M000100Y43",
    "91110105MA001GPD1D",
]


@pytest.mark.parametrize("code", VALID)
def test_it_accepts_the_published_valid_codes(code):
    assert uscc_errors(code) == []
    validate_uscc(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91350100M000100Y4Z", "3"),
        ("91110105MA001GPD1G", "D"),
    ],
)
def test_it_names_the_expected_check_character(code, expected):
    errors = uscc_errors(code)  # Chinese by default: …应为“X”
    assert len(errors) == 1
    assert f"“{code[-1]}”" in errors[0]
    assert f"“{expected}”" in errors[0]


def test_the_weights_follow_the_standard():
    from enterprises.uscc import WEIGHTS

    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_generated_codes_validate_and_every_other_check_character_fails():
    rng = random.Random(32100)
    for _ in range(300):
        body = "".join(rng.choice(ALPHABET) for _ in range(9))
        code = make_uscc(rng.choice(["110105", "110108", "110400"]), body)
        assert uscc_errors(code) == []
        wrong = [c for c in ALPHABET if c != code[-1]]
        assert uscc_errors(code[:17] + rng.choice(wrong)) != []


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9111010555138508", "18 characters"),
        ("91110108551385O82Q", "Character 15"),
        ("Z1110108551385082Q", "Character 1"),
        ("911101AB551385082Q", "Characters 3–8"),
    ],
)
def test_it_explains_malformed_codes(code, fragment):
    with translation.override("en"):
        errors = uscc_errors(code)
    assert any(fragment in error for error in errors), errors


def test_validate_uscc_raises_a_validation_error_in_the_users_language():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_uscc("91350100M000100Y4Z")
    assert "should be “3”" in str(info.value)


def test_check_character_matches_the_worked_example():
    assert check_character("91350100M000100Y4") == "3"


def test_the_default_message_is_chinese():
    assert uscc_errors("91350100M000100Y4Z") == ["第18位校验码为“Z”，应为“3”。"]
