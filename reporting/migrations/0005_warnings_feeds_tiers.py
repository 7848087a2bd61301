# Operations are added by the work that owns this migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_assessment")]

    operations: list[migrations.operations.base.Operation] = []
