# Operations are added by the work that owns this migration.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import portal.fields


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_enterprise_region_cover_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        # The accident finding (事故认定), enterprises/accidents.py.
        migrations.AddField(
            model_name="accident",
            name="finding",
            field=models.CharField(
                blank=True,
                choices=[
                    ("production_safety", "A production-safety accident"),
                    ("not_production_safety", "Not a production-safety accident"),
                ],
                max_length=25,
                verbose_name="accident finding",
            ),
        ),
        migrations.AddField(
            model_name="accident",
            name="finding_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="accident",
            name="finding_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="accident",
            name="finding_note",
            field=portal.fields.BoundedTextField(
                blank=True, max_length=2000, verbose_name="finding explanation"
            ),
        ),
        migrations.AddField(
            model_name="accident",
            name="finding_reference",
            field=models.CharField(blank=True, max_length=100, verbose_name="finding reference"),
        ),
        # The application preconditions (enterprises/preconditions.py): the dishonesty
        # list and the re-application locks.
        migrations.AddField(
            model_name="enterprise",
            name="dishonesty_listed_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="on the dishonesty list since"
            ),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="dishonesty_reason",
            field=portal.fields.BoundedTextField(
                blank=True, max_length=2000, verbose_name="reason for the listing"
            ),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="dishonesty_source",
            field=models.CharField(blank=True, max_length=200, verbose_name="dishonesty list"),
        ),
        migrations.CreateModel(
            name="ApplicationLock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("not_reached", "Grading closed without a grade"),
                            ("revoked", "Certificate revoked"),
                        ],
                        max_length=12,
                        verbose_name="why",
                    ),
                ),
                ("since", models.DateField(verbose_name="since")),
                ("until", models.DateField(verbose_name="may apply again from")),
                (
                    "reference",
                    models.CharField(blank=True, max_length=100, verbose_name="reference"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="application_locks",
                        to="enterprises.enterprise",
                    ),
                ),
            ],
            options={
                "verbose_name": "application lock",
                "verbose_name_plural": "application locks",
                "ordering": ["-until", "-id"],
                "indexes": [
                    models.Index(fields=["enterprise", "-until"], name="application_lock_idx")
                ],
            },
        ),
        # The import's warnings (a disagreeing scale, a code from outside Beijing).
        migrations.AddField(
            model_name="importjob",
            name="warnings",
            field=models.JSONField(blank=True, default=list, verbose_name="warnings"),
        ),
    ]
