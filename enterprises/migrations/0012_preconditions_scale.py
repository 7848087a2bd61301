# Operations are added by the work that owns this migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0011_enterprise_region_cover_idx")]

    operations: list[migrations.operations.base.Operation] = []
