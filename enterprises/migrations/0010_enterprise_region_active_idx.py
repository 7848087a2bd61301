from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0009_registration_claim_reason_limit"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                fields=["region", "status", "street", "id"], name="enterprise_region_active_idx"
            ),
        ),
    ]
