"""Certificates keep a copy of their enterprise's district and street
(certification/registry_sync.py): added empty and filled from the registry here,
required in 0021 (as applications' in 0017 and 0018)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_registry(apps, schema_editor):
    Certificate = apps.get_model("certification", "Certificate")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    own = Enterprise.objects.filter(pk=OuterRef("enterprise_id"))
    Certificate.objects.update(
        region_id=Subquery(own.values("region_id")[:1]),
        street_id=Subquery(own.values("street_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0019_application_place_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="region",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.region",
                verbose_name="district",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="street",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.street",
                verbose_name="street or town",
            ),
        ),
        migrations.RunPython(fill_from_registry, migrations.RunPython.noop),
    ]
