"""Each hazard keeps its enterprise's district now (``Hazard.enterprise_region``), and
a district's ledger is indexed by it in the list's order: a district's list and its
search's capped count read the district's own rows instead of walking the whole ledger
and joining each row's enterprise."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_notification_message"),
        ("hazards", "0012_description_grams"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="enterprise_region",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.region",
            ),
        ),
        migrations.RunSQL(
            "UPDATE hazards_hazard SET enterprise_region_id = (SELECT e.region_id FROM "
            "enterprises_enterprise e WHERE e.id = hazards_hazard.enterprise_id)",
            migrations.RunSQL.noop,
            elidable=False,
        ),
        migrations.AlterField(
            model_name="hazard",
            name="enterprise_region",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.region",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                fields=["enterprise_region", "-found_on", "-id"],
                name="hazard_ent_region_found_idx",
            ),
        ),
    ]
