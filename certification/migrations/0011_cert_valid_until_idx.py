from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0010_finding_ledger_hazard"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(fields=["valid_until", "number"], name="cert_valid_until_idx"),
        ),
    ]
