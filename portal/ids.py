"""Database ids typed by users (query strings, form fields, API bodies).

Ids are BigAutoFields: 1 to 2**63 - 1, which is also SQLite's INTEGER range. A longer run
of digits does not come back from the database as "no such row": SQLite raises
OverflowError and PostgreSQL "bigint out of range", both server errors. Parse ids here so
that an impossible id is simply not found (or refused with the field's message).
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id in ``value`` (ASCII digits, 1..MAX_ID), else None."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
