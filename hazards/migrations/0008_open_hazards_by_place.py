from django.db import migrations, models
from django.db.models import OuterRef, Subquery

OPEN = models.Q(("status", "closed"), _negated=True)


def open_hazards_to_their_enterprise(apps, schema_editor):
    """From now on open hazards follow their enterprise (hazards/registry_sync.py): put
    the ones whose enterprise moved before that where it is now."""
    Hazard = apps.get_model("hazards", "Hazard")
    Enterprise = apps.get_model("enterprises", "Enterprise")

    def place(field):
        return Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values(field)[:1])

    Hazard.objects.exclude(status="closed").update(
        region_id=place("region_id"),
        street_id=place("street_id"),
        industry_id=place("industry_id"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0007_open_hazard_indexes"),
    ]

    operations = [
        migrations.RunPython(open_hazards_to_their_enterprise, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN,
                fields=["region", "-found_on", "-id"],
                include=("deadline", "grade"),
                name="hazard_open_region_found_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN,
                fields=["region", "deadline", "id"],
                include=("grade",),
                name="hazard_open_region_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN,
                fields=["street", "-found_on", "-id"],
                include=("deadline", "grade"),
                name="hazard_open_street_found_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN,
                fields=["street", "deadline", "id"],
                include=("grade",),
                name="hazard_open_street_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=OPEN,
                fields=["industry", "deadline", "id"],
                include=("grade",),
                name="hazard_open_industry_due_idx",
            ),
        ),
    ]
