from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def current_reports_to_their_enterprise(apps, schema_editor):
    """Current self-reports follow their enterprise from now on (hazards/registry_sync.py)."""
    SelfReport = apps.get_model("hazards", "SelfReport")
    Enterprise = apps.get_model("enterprises", "Enterprise")

    def place(field):
        return Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values(field)[:1])

    SelfReport.objects.filter(is_current=True).exclude(
        region_id=Subquery(
            Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("region_id")[:1]
        )
    ).update(
        region_id=place("region_id"),
        street_id=place("street_id"),
        industry_id=place("industry_id"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0008_open_hazards_by_place"),
    ]

    operations = [
        migrations.RunPython(current_reports_to_their_enterprise, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="selfreport", name="selfreport_region_period_idx"),
        migrations.AddIndex(
            model_name="selfreport",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["region", "period_kind", "year", "period", "enterprise"],
                include=("id", "status", "late", "zero_report"),
                name="selfreport_region_ent_idx",
            ),
        ),
    ]
