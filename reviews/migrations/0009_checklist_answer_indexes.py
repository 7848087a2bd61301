"""The answer rows' lookups by assessment go through row_unique (assessment,
criterion); the foreign key's own index duplicated it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_onsite_confirmation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessmentrow",
            name="assessment",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rows",
                to="reviews.assessment",
            ),
        ),
    ]
