# The district assessment (reporting/assessment/): schemes and indicators, report runs,
# report versions, manual scores and bulletins; and the default schemes, the portal's
# example weights (not an official scheme), for the years 2025 to 2027.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import portal.fields


def seed_default_schemes(apps, schema_editor):
    from reporting.assessment.schemes import default_definition

    Scheme = apps.get_model("reporting", "Scheme")
    Indicator = apps.get_model("reporting", "Indicator")
    for year in (2025, 2026, 2027):
        for level in ("city", "district"):
            definition = default_definition(level)
            scheme, created = Scheme.objects.get_or_create(
                year=year,
                level=level,
                region=None,
                defaults={"title": definition["title"], "is_example": True},
            )
            if not created:
                continue
            Indicator.objects.bulk_create(
                Indicator(
                    scheme=scheme,
                    code=item["code"],
                    name=item["name"],
                    section=item["section"],
                    kind=item["kind"],
                    metric=item.get("metric", ""),
                    rule=item.get("rule", {}),
                    weight=item["weight"],
                    position=position,
                )
                for position, item in enumerate(definition["indicators"])
            )


def unseed(apps, schema_editor):
    Scheme = apps.get_model("reporting", "Scheme")
    Scheme.objects.filter(is_example=True, reports__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_street_offices"),
        ("reporting", "0003_snapshots_escalations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("city", "City assesses districts and industry regulators"),
                            ("district", "District assesses its streets"),
                        ],
                        max_length=10,
                    ),
                ),
                ("period_kind", models.CharField(max_length=8)),
                ("period_code", models.CharField(max_length=10)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0)),
                ("done", models.PositiveIntegerField(default=0)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("error", portal.fields.BoundedTextField(blank=True, max_length=2000)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("queued_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.region",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Scheme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("city", "City assesses districts and industry regulators"),
                            ("district", "District assesses its streets"),
                        ],
                        max_length=10,
                        verbose_name="level",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("is_example", models.BooleanField(default=False, verbose_name="example")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.region",
                    ),
                ),
            ],
            options={
                "ordering": ["-year", "level", "region_id"],
            },
        ),
        migrations.CreateModel(
            name="Indicator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, verbose_name="code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("section", models.CharField(max_length=20, verbose_name="section")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("computed", "Computed from the snapshots"),
                            ("manual", "Scored by hand with evidence"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("metric", models.CharField(blank=True, max_length=40, verbose_name="metric")),
                ("rule", models.JSONField(blank=True, default=dict, verbose_name="scoring rule")),
                (
                    "weight",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="weight"),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "scheme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="indicators",
                        to="reporting.scheme",
                    ),
                ),
            ],
            options={
                "ordering": ["scheme_id", "position", "id"],
            },
        ),
        migrations.CreateModel(
            name="AssessmentReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "unit_kind",
                    models.CharField(
                        choices=[
                            ("district", "District"),
                            ("regulator", "Industry regulator"),
                            ("street", "Street or town"),
                        ],
                        max_length=10,
                    ),
                ),
                ("unit_key", models.CharField(max_length=32)),
                ("unit_name", models.CharField(max_length=200)),
                ("period_kind", models.CharField(max_length=8)),
                ("period_code", models.CharField(max_length=10)),
                ("version", models.PositiveSmallIntegerField(default=1)),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("final", "Final")],
                        default="draft",
                        max_length=8,
                    ),
                ),
                ("data", models.JSONField(default=dict)),
                ("content_hash", models.CharField(max_length=64)),
                ("total", models.DecimalField(decimal_places=2, default=0, max_digits=6)),
                ("rank", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("rank_change", models.SmallIntegerField(blank=True, null=True)),
                (
                    "comment",
                    portal.fields.BoundedTextField(
                        blank=True, max_length=4000, verbose_name="comment"
                    ),
                ),
                ("objects_to_scores", models.BooleanField(default=False, verbose_name="objection")),
                ("commented_at", models.DateTimeField(blank=True, null=True)),
                ("comment_due", models.DateField(blank=True, null=True)),
                ("finalised_at", models.DateTimeField(blank=True, null=True)),
                ("signature", models.CharField(blank=True, max_length=64)),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("pdf", models.FileField(blank=True, upload_to="assessment/%Y/")),
                ("xlsx", models.FileField(blank=True, upload_to="assessment/%Y/")),
                ("rendered_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "commented_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "finalised_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.region",
                    ),
                ),
                (
                    "scheme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="reporting.scheme",
                    ),
                ),
            ],
            options={
                "ordering": ["period_code", "unit_kind", "unit_key", "-version"],
            },
        ),
        migrations.CreateModel(
            name="Bulletin",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("city", "City assesses districts and industry regulators"),
                            ("district", "District assesses its streets"),
                        ],
                        max_length=10,
                    ),
                ),
                ("period_kind", models.CharField(max_length=8)),
                ("period_code", models.CharField(max_length=10)),
                ("content_hash", models.CharField(max_length=64)),
                ("pdf", models.FileField(blank=True, upload_to="assessment/bulletins/%Y/")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.region",
                    ),
                ),
            ],
            options={
                "ordering": ["-period_code", "level", "region_id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("level", "region", "period_kind", "period_code", "content_hash"),
                        name="assessment_bulletin_once",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ManualScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "score",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="score"),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                (
                    "evidence",
                    models.FileField(
                        blank=True, upload_to="assessment/evidence/%Y/", verbose_name="evidence"
                    ),
                ),
                ("entered_at", models.DateTimeField(auto_now=True)),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reporting.indicator",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="manual_scores",
                        to="reporting.assessmentreport",
                    ),
                ),
            ],
            options={
                "ordering": ["indicator__position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("report", "indicator"), name="assessment_manual_once"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="scheme",
            constraint=models.UniqueConstraint(
                fields=("year", "level", "region"), name="assessment_scheme_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="scheme",
            constraint=models.UniqueConstraint(
                condition=models.Q(("region__isnull", True)),
                fields=("year", "level"),
                name="assessment_scheme_unique_default",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                fields=("scheme", "code"), name="assessment_indicator_code"
            ),
        ),
        migrations.AddIndex(
            model_name="assessmentreport",
            index=models.Index(
                fields=["period_kind", "period_code", "unit_kind"], name="assessment_report_period"
            ),
        ),
        migrations.AddConstraint(
            model_name="assessmentreport",
            constraint=models.UniqueConstraint(
                fields=("unit_kind", "unit_key", "period_kind", "period_code", "version"),
                name="assessment_report_version",
            ),
        ),
        migrations.RunPython(seed_default_schemes, unseed),
    ]
