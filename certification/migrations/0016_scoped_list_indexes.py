from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0015_event_step_days"),
    ]

    operations = []
