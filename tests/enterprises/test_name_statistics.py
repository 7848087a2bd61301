"""PostgreSQL plans a registry search of four characters or more from the statistics of
UPPER(name) (the trigram index's expression), sampled at 500 rather than 100
(enterprises migration 0014): at 100, one ANALYZE in four estimated a fragment in 1.6 %
of 500,000 names at 50 rows and the page sorted all 8,170 matches (bench/README.md)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
]


def test_the_names_expression_is_sampled_at_500():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = "
            "'enterprise_name_trgm_idx'::regclass AND attnum = 1"
        )
        assert cursor.fetchone()[0] == 500
