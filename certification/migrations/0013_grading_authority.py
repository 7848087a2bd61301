# Operations are added by the work that owns this migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("certification", "0012_annual_overdue_open_idx")]

    operations: list[migrations.operations.base.Operation] = []
