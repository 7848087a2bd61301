"""A certificate's district is required; its copy of the enterprise's place leads the
district's and street's list indexes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0020_certificate_place"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
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
            model_name="certificate",
            index=models.Index(
                fields=["region", "valid_until", "number"], name="cert_region_list_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                fields=["region", "status", "valid_until", "number"],
                name="cert_region_status_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(fields=["street", "status"], name="cert_street_status_idx"),
        ),
    ]
