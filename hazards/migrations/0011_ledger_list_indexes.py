from django.db import migrations, models

OPEN = models.Q(("status", "closed"), _negated=True)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0010_selfreport_region_ent_idx_street"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(fields=["-found_on", "-id"], name="hazard_found_idx"),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                fields=["status", "-found_on", "-id"],
                condition=OPEN,
                name="hazard_open_status_found_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                fields=["region", "status", "-found_on", "-id"],
                condition=OPEN,
                name="hazard_open_region_status_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="selfreport",
            index=models.Index(
                fields=["-year", "-period", "-id"],
                condition=models.Q(("is_current", True)),
                name="selfreport_current_list_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="selfreport",
            index=models.Index(
                fields=["region", "-year", "-period", "-id"],
                condition=models.Q(("is_current", True)),
                name="selfreport_region_list_idx",
            ),
        ),
    ]
