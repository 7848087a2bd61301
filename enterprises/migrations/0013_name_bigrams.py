"""An index for name searches of one and two characters, on PostgreSQL only.

pg_trgm (migration 0003) indexes nothing under three characters, yet a 字号 such as
华信 is two, and pg_bigm is not available. ``enterprise_name_grams(text)`` returns a
text's distinct one- and two-character pieces; a GIN index on
``enterprise_name_grams(UPPER(name))`` answers ``@> ARRAY[UPPER(fragment)]`` for a
fragment of one or two characters (enterprises/name_search.py).

An expression index rather than a column kept by the writers: PostgreSQL computes
it on every write of a name, whichever path writes it (the services, the admin, the
import's bulk insert and its raw executemany UPDATE, seed_demo's COPY-sized
bulk_create), so there is no column to backfill or forget. Building it is the
backfill: one pass over the table (about 9 s for 500,000 enterprises on 2 cores,
bench/README.md). SQLite has no such index; the search falls back to LIKE there.
"""

from django.db import migrations, models

FUNCTION = "enterprise_name_grams"
INDEX = "enterprise_name_grams_idx"

# IMMUTABLE: its result depends on its argument only, which an index expression
# needs. Only pg_catalog functions inside, so it works under any search_path (as
# autovacuum and pg_dump run it).
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, n)), '{{}}')
    FROM generate_series(1, length(value)) AS i, (VALUES (1), (2)) AS sizes (n)
    WHERE i + n - 1 <= length(value)
$$
"""


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # btree_gin (trusted, like pg_trgm) puts the district in the same index: a
    # district's search intersects the two inside the index instead of building a
    # bitmap of the district's 70,000 rows first.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_enterprise "
        f'USING gin ("region_id", {FUNCTION}(UPPER("name"::text)))'
    )
    # The grams' frequencies, which the search reads to choose its way.
    schema_editor.execute("ANALYZE enterprises_enterprise")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0012_preconditions_scale"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
        # The list's first page in name order from the index alone (an index-only
        # scan of ids, the rows fetched by id after): (name, id) replaces the name
        # index and its varchar_pattern_ops twin, (region, name, id) the district's.
        migrations.AlterField(
            model_name="enterprise",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.RemoveIndex(model_name="enterprise", name="enterprise_region_name_idx"),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["name", "id"], name="enterprise_name_id_idx"),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                fields=["region", "name", "id"], name="enterprise_region_name_id_idx"
            ),
        ),
    ]
