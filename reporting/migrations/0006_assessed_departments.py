# District departments (a regulator organisation with a district) are assessed by
# their district beside its streets: a unit kind of their own, and the levels say so.
from django.db import migrations, models

LEVELS = [
    ("city", "City assesses districts and industry departments"),
    ("district", "District assesses its streets and departments"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_warnings_feeds_tiers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessmentreport",
            name="unit_kind",
            field=models.CharField(
                choices=[
                    ("district", "District"),
                    ("regulator", "Industry regulator"),
                    ("street", "Street or town"),
                    ("department", "District department"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="bulletin",
            name="level",
            field=models.CharField(choices=LEVELS, max_length=10),
        ),
        migrations.AlterField(
            model_name="reportrun",
            name="level",
            field=models.CharField(choices=LEVELS, max_length=10),
        ),
        migrations.AlterField(
            model_name="scheme",
            name="level",
            field=models.CharField(choices=LEVELS, max_length=10, verbose_name="level"),
        ),
    ]
