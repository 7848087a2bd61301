"""A self-assessment's district is required; its copy of the enterprise's place leads
the district's, street's and regulator's list indexes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0011_assessment_place"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessment",
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
            model_name="assessment",
            index=models.Index(
                fields=["region", "kind", "status", "id"], name="assessment_region_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                fields=["street", "kind", "status", "id"], name="assessment_street_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                fields=["enterprise_industry", "kind", "status", "id"],
                name="assessment_industry_idx",
            ),
        ),
    ]
