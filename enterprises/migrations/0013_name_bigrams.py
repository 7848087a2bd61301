from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0012_preconditions_scale"),
    ]

    operations = []
