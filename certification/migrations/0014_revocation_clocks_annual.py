# Revocation reason codes, the extra self-assessment after a fatal accident and
# the grading authority's acknowledgement of annual self-assessments
# (certification/lifecycle/).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REASONS = [
    ("fatal_accident", "Fatal production-safety accident"),
    ("major_hazard", "Major accident hazard not rectified in time"),
    ("system_not_running", "Standardization management system not kept running"),
    ("serious_injuries", "Accident with serious injuries above the threshold"),
    ("direct_loss", "Accident with a direct loss above the threshold"),
    ("accident_reporting", "Accident concealed, falsely, late or incompletely reported"),
    ("fraud", "False materials or concealed accidents"),
    ("dishonesty_list", "Listed for dishonesty sanctions (失信名单)"),
    ("licence_revoked", "Licence revoked or business ceased"),
    ("other", "Other"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0013_grading_authority"),
        ("enterprises", "0012_preconditions_scale"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AlterModelOptions(
            name="annualselfassessment",
            options={"ordering": ["certificate", "year", "due_on"]},
        ),
        migrations.RemoveConstraint(
            model_name="annualselfassessment",
            name="annual_assessment_unique",
        ),
        migrations.AddField(
            model_name="annualselfassessment",
            name="accident",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="enterprises.accident",
            ),
        ),
        migrations.AddField(
            model_name="annualselfassessment",
            name="acknowledged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="annualselfassessment",
            name="acknowledged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="annualselfassessment",
            name="kind",
            field=models.CharField(
                choices=[("annual", "Annual"), ("accident", "After a fatal accident")],
                default="annual",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="status_reason",
            field=models.CharField(
                blank=True, choices=REASONS, max_length=20, verbose_name="reason"
            ),
        ),
        migrations.AlterField(
            model_name="certificateevent",
            name="reason",
            field=models.CharField(blank=True, choices=REASONS, max_length=20),
        ),
        migrations.AddConstraint(
            model_name="annualselfassessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "annual")),
                fields=("certificate", "year"),
                name="annual_assessment_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="annualselfassessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "accident")),
                fields=("certificate", "accident"),
                name="accident_assessment_unique",
            ),
        ),
    ]
