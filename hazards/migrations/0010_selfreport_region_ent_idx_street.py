from django.db import migrations, models


class Migration(migrations.Migration):
    """The district's filing status counts its period's current forms per street
    from this index alone (hazards/selfreports/selectors.py district_status_groups)."""

    dependencies = [
        ("hazards", "0009_selfreport_region_ent_idx"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="selfreport", name="selfreport_region_ent_idx"),
        migrations.AddIndex(
            model_name="selfreport",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["region", "period_kind", "year", "period", "enterprise"],
                include=("id", "status", "late", "zero_report", "street"),
                name="selfreport_region_ent_idx",
            ),
        ),
    ]
