"""A copy of the enterprise's name on each row, and its grams index (PostgreSQL), for
the list's search by name (enterprises/name_copy.py)."""

from django.db import migrations, models

from enterprises.name_copy import add_name_copy_index, copy_names


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0013_name_bigrams"),
        ("reviews", "0009_checklist_answer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="enterprise_name",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=200,
                verbose_name="enterprise name",
            ),
        ),
        copy_names("reviews_assessment"),
        add_name_copy_index("reviews_assessment"),
    ]
