from django.db import migrations, models

OPEN = models.Q(("status", "closed"), _negated=True)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0010_enterprise_region_active_idx"),
        ("hazards", "0006_self_reports"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN, fields=["-found_on", "-id"], name="hazard_open_found_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN, fields=["deadline", "id"], name="hazard_open_due_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN,
                fields=["enterprise"],
                include=("id", "deadline", "grade"),
                name="hazard_open_enterprise_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(OPEN, ("grade", "major")),
                fields=["-found_on", "-id"],
                name="hazard_open_major_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="selfreport",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["period_kind", "year", "period", "enterprise"],
                include=("id", "status", "late", "zero_report"),
                name="selfreport_period_ent_idx",
            ),
        ),
    ]
