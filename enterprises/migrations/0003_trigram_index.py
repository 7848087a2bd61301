"""A trigram index for the registry's name search, on PostgreSQL only.

The list filters with ``name__icontains``, which PostgreSQL runs as
``UPPER(name::text) LIKE UPPER('%…%')``: without this index every search reads
every enterprise of the scope (measured in bench/registry_list.py). The index
is on that exact expression, so the planner can use it (with the USCC prefix
index in a BitmapOr). pg_trgm only helps fragments of three or more
characters; shorter ones fall back to the district index or a scan.

SQLite has no such index; the migration does nothing there.
"""

from django.db import migrations

INDEX = "enterprise_name_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_enterprise "
        'USING gin ((UPPER("name"::text)) gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_import_job"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
