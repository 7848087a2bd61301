from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0015_event_step_days"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["status", "due_on", "-created_at", "-id"], name="app_status_list_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                fields=["status", "valid_until", "number"], name="cert_status_list_idx"
            ),
        ),
    ]
