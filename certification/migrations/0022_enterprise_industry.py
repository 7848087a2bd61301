"""Applications and certificates keep a copy of their enterprise's industry in the
registry (certification/registry_sync.py), beside its district and street: added and
filled from the registry here, indexed in 0023 (PostgreSQL refuses to alter a table with
the fill's deferred foreign-key checks pending in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_registry(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    own = Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("industry_id")[:1]
    for name in ("Application", "Certificate"):
        apps.get_model("certification", name).objects.update(enterprise_industry_id=Subquery(own))


def field():
    return models.ForeignKey(
        blank=True,
        null=True,
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="portal.industry",
        verbose_name="enterprise's industry",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0021_certificate_place_required"),
        ("enterprises", "0013_name_bigrams"),
        ("portal", "0007_notification_digest"),
    ]

    operations = [
        migrations.AddField(model_name="application", name="enterprise_industry", field=field()),
        migrations.AddField(model_name="certificate", name="enterprise_industry", field=field()),
        migrations.RunPython(fill_from_registry, migrations.RunPython.noop),
    ]
