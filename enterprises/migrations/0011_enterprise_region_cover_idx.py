from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0010_enterprise_region_active_idx"),
    ]

    operations = [
        # The same columns, covering the statistics' scale and industry too.
        migrations.RemoveIndex(model_name="enterprise", name="enterprise_region_active_idx"),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                fields=["region", "status", "street", "id"],
                include=["scale", "industry"],
                name="enterprise_region_cover_idx",
            ),
        ),
    ]
