from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0011_cert_valid_until_idx"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="annualselfassessment",
            index=models.Index(
                fields=["certificate", "due_on"],
                condition=models.Q(overdue_recorded_at__isnull=False, submitted_at__isnull=True),
                name="annual_overdue_open_idx",
            ),
        ),
    ]
