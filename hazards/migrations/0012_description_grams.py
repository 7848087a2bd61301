"""An index for searches of a hazard's description, Chinese fragments included
(portal/text_search.py), on PostgreSQL only.

The same one- and two-character grams as the registry's names (enterprises migration
0013 defines ``enterprise_name_grams``). Without it a search for 叉车 read the whole
ledger: a million descriptions, about a second. An expression index: PostgreSQL keeps
it on every write of a description, whichever path writes it. SQLite searches with
LIKE.
"""

from django.db import migrations

INDEX = "hazard_description_grams_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON hazards_hazard "
        "USING gin (enterprise_name_grams(UPPER(description)))"
    )
    # The grams' frequencies, which the search reads to choose its way.
    schema_editor.execute("ANALYZE hazards_hazard")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0011_ledger_list_indexes"),
        ("enterprises", "0013_name_bigrams"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
