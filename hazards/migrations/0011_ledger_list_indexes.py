from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0010_selfreport_region_ent_idx_street"),
    ]

    operations = []
