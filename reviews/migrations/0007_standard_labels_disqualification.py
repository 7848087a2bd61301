# Operations are added by the work that owns this migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_shipped_triggers")]

    operations: list[migrations.operations.base.Operation] = []
