# The reviewers' sheet: which rows a reviewer checked on site (saved or confirmed).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_standard_labels_disqualification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="assessmentrow",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="checked on site"),
        ),
        migrations.AddField(
            model_name="assessmentrow",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
