"""A district's search of its hazards' descriptions, counted through an index of its
own rows (PostgreSQL only).

``place_grams(place, text)`` is ``enterprise_name_grams(text)`` with each gram prefixed
by the place (``110105:叉车``); a GIN index on ``place_grams(enterprise_region_id,
UPPER(description))`` holds, under one key, only the district's hazards with that gram.
A district's capped count of 叉车司机 walked 8,000 of its hazards in the list's order
(12 ms) or scanned 57,000 of the ledger's; through this index it reads the 17,000
candidates' entries and then only the pages of the 1,001 rows it counts (4 ms).
"""

from django.db import migrations

FUNCTION = "place_grams"
INDEX = "hazard_district_grams_idx"

# IMMUTABLE and only pg_catalog inside, as enterprise_name_grams (enterprises 0013).
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(place text, value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT place || ':' || substr(value, i, n)), '{{}}')
    FROM generate_series(1, length(value)) AS i, (VALUES (1), (2)) AS sizes (n)
    WHERE i + n - 1 <= length(value)
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON hazards_hazard "
        f'USING gin ({FUNCTION}("enterprise_region_id", UPPER("description"::text)))'
    )
    schema_editor.execute("ANALYZE hazards_hazard")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text, text)")


class Migration(migrations.Migration):
    dependencies = [("hazards", "0013_enterprise_region")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
