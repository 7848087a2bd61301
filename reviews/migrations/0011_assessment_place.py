"""Self-assessments keep a copy of their enterprise's district, street and industry
(enterprises/place_copy.py), as applications and certificates do: added and filled
from the registry here, required and indexed in 0012 (PostgreSQL refuses to alter a
table with the fill's deferred foreign-key checks pending in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_registry(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Assessment = apps.get_model("reviews", "Assessment")
    own = Enterprise.objects.filter(pk=OuterRef("enterprise_id"))
    Assessment.objects.update(
        region_id=Subquery(own.values("region_id")[:1]),
        street_id=Subquery(own.values("street_id")[:1]),
        enterprise_industry_id=Subquery(own.values("industry_id")[:1]),
    )


def place_field(to, verbose_name):
    return models.ForeignKey(
        blank=True,
        null=True,
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=to,
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0014_name_statistics"),
        ("portal", "0008_notification_message"),
        ("reviews", "0010_enterprise_name_copy"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment", name="region", field=place_field("portal.region", "district")
        ),
        migrations.AddField(
            model_name="assessment",
            name="street",
            field=place_field("portal.street", "street or town"),
        ),
        migrations.AddField(
            model_name="assessment",
            name="enterprise_industry",
            field=place_field("portal.industry", "enterprise's industry"),
        ),
        migrations.RunPython(fill_from_registry, migrations.RunPython.noop),
    ]
