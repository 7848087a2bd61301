from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_onsite_confirmation"),
    ]

    operations = []
