# Operations are added by the work that owns this migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("certification", "0013_grading_authority")]

    operations: list[migrations.operations.base.Operation] = []
