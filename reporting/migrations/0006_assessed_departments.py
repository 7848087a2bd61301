from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_warnings_feeds_tiers"),
    ]

    operations = []
