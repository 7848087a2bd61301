"""The contact of an objection and the objector's reference
(certification/public/objection_input.py)."""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certification.public.objection_input import clean_contact, objection_reference


@pytest.mark.parametrize(
    "contact",
    [
        "13912345678",
        "139 1234 5678",
        "139-1234-5678",
        "+86 139 1234 5678",
        "８６１３９１２３４５６７８",  # full-width digits
        "010-65123456",
        "(010) 6512 3456",
        "0571-87654321",
        "65123456",  # a Beijing number without the area code
        "010-65123456转803",
        "zhang.san@example.cn",
        "  objector@mail.example.com ",
    ],
)
def test_phone_numbers_and_e_mails_are_accepted(contact):
    assert clean_contact(contact) == clean_contact(contact).strip()
    assert clean_contact(contact)


def test_the_contact_is_kept_as_typed_only_tidied():
    assert clean_contact(" 139 1234 5678 ") == "139 1234 5678"
    assert clean_contact("１３９１２３４５６７８") == "13912345678"


@pytest.mark.parametrize(
    "contact",
    [
        "",
        "   ",
        "张三",
        "微信 zhangsan",
        "1391234567",  # ten digits
        "139123456789",  # twelve
        "12912345678",  # no mobile starts 12
        "12345",
        "zhang@",
        "@example.cn",
        "zhang san@example.cn",
        "QQ 12345678901",
    ],
)
def test_anything_else_is_refused_with_a_clear_message(contact):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            clean_contact(contact)
        assert "phone number" in str(refused.value.messages[0])


def test_the_reference_names_the_year_and_the_objection():
    lodged = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    objection = SimpleNamespace(pk=42, created_at=lodged)

    assert objection_reference(objection) == "YY2026-000042"
    assert objection_reference(SimpleNamespace(pk=1234567, created_at=lodged)) == "YY2026-1234567"
