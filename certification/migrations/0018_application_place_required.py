"""An application's district is required; its copy of the enterprise's place leads
the district's and street's list indexes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0017_application_place"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.region",
                verbose_name="district",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["region", "status", "due_on", "-created_at", "-id"],
                name="app_region_list_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["region", "due_on", "-created_at", "-id"], name="app_region_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["street", "status"], name="app_street_status_idx"),
        ),
    ]
