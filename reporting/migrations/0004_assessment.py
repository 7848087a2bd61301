# Operations are added by the work that owns this migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_snapshots_escalations")]

    operations: list[migrations.operations.base.Operation] = []
