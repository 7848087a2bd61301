"""What an objector types into the public objection form: the contact field,
and the reference the objector gets back.

The contact is how the publishing organisation reaches the objector, so it
must be something it can dial or write to: a mainland phone number (a mobile,
or a landline with or without its area code) or an e-mail address.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Separators people type in phone numbers: spaces, hyphens, brackets, dots.
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）.]+")
_PHONE = re.compile(
    r"^(?:\+?86)?(?:"
    r"1[3-9]\d{9}"  # mobile, 11 digits
    r"|0\d{2,3}[2-9]\d{6,7}"  # landline with its area code (010, 0571 …)
    r"|[2-9]\d{6,7}"  # a local Beijing number without the area code
    r")(?:(?:转|EXT|X|#)\d{1,6})?$"
)

CONTACT_ERROR = _(
    "Enter a mainland phone number (such as 13800138000 or 010-65123456) or an e-mail address."
)


def clean_contact(value: str | None) -> str:
    """The contact as given (full-width characters made ASCII, spaces trimmed),
    or ValidationError when it is neither a phone number nor an e-mail."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(CONTACT_ERROR, code="contact") from None
        return text
    if _PHONE.match(_PHONE_SEPARATORS.sub("", text).upper()):
        return text
    raise ValidationError(CONTACT_ERROR, code="contact")


def objection_reference(objection) -> str:
    """The reference an objector quotes, e.g. YY2026-000042.

    Unique rather than gap-free: it is the objection's primary key behind the
    year it was lodged. A receipt needs only to name one objection, and the key
    is unique without a counter row that every objection would have to lock
    (gap-free series matter for numbers that are audited for completeness,
    such as certificates and announcements, certification.numbering).
    """
    return f"YY{timezone.localtime(objection.created_at):%Y}-{objection.pk:06d}"
