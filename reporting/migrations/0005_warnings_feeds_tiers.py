# The warning list, the supervision tiers, the change log and the feed clients
# (reporting/standing/).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_enterprise_region_cover_idx"),
        ("portal", "0006_street_offices"),
        ("reporting", "0004_assessment"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedClient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("credit", "Credit bureau"),
                            ("procurement", "Public procurement platform"),
                            ("insurer", "Insurer"),
                            ("other", "Other body"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("scopes", models.JSONField(default=list, verbose_name="scopes")),
                (
                    "rate_limit",
                    models.CharField(default="60/min", max_length=20, verbose_name="rate limit"),
                ),
                ("token_prefix", models.CharField(max_length=12, unique=True)),
                ("token_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "regions",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="portal.region", verbose_name="districts"
                    ),
                ),
            ],
            options={
                "verbose_name": "feed client",
                "verbose_name_plural": "feed clients",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="Standing",
            fields=[
                (
                    "enterprise",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="enterprises.enterprise",
                    ),
                ),
                (
                    "tier",
                    models.CharField(
                        choices=[
                            ("key", "Key supervision (重点监管)"),
                            ("general", "General supervision (一般监管)"),
                            ("light", "Light supervision (低频监管)"),
                        ],
                        max_length=10,
                        verbose_name="supervision tier",
                    ),
                ),
                ("points", models.SmallIntegerField(default=0, verbose_name="points")),
                ("reasons", models.JSONField(default=list)),
                ("grade", models.CharField(blank=True, max_length=5)),
                ("certificate_number", models.CharField(blank=True, max_length=30)),
                ("valid_until", models.DateField(blank=True, null=True)),
                ("computed_on", models.DateField()),
            ],
            options={
                "indexes": [models.Index(fields=["tier", "enterprise"], name="standing_tier_idx")],
            },
        ),
        migrations.CreateModel(
            name="StandingChange",
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
                            ("certificate_announced", "Certificate announced"),
                            ("certificate_revoked", "Certificate revoked"),
                            ("certificate_expired", "Certificate expired"),
                            ("certificate_ended", "Certificate no longer in force"),
                            ("warning_opened", "Put on the warning list"),
                            ("warning_closed", "Removed from the warning list"),
                            ("tier_changed", "Supervision tier changed"),
                        ],
                        max_length=30,
                    ),
                ),
                ("detail", models.JSONField(default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="enterprises.enterprise",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.region",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="WarningEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rule", models.CharField(max_length=40, verbose_name="rule")),
                ("reason", models.CharField(max_length=500, verbose_name="reason")),
                ("opened_on", models.DateField(verbose_name="listed on")),
                ("closed_on", models.DateField(blank=True, null=True, verbose_name="removed on")),
                (
                    "close_reason",
                    models.CharField(blank=True, max_length=200, verbose_name="why removed"),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
            ],
            options={
                "verbose_name": "warning-list entry",
                "verbose_name_plural": "warning list",
                "ordering": ["-opened_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="FeedRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("endpoint", models.CharField(max_length=20)),
                ("status_code", models.PositiveSmallIntegerField()),
                ("count", models.PositiveIntegerField(default=0)),
                ("usccs", models.JSONField(default=list)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="requests",
                        to="reporting.feedclient",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["client", "-at"], name="feed_request_client_idx")],
            },
        ),
        migrations.AddIndex(
            model_name="standingchange",
            index=models.Index(fields=["region", "id"], name="standing_change_region_idx"),
        ),
        migrations.AddIndex(
            model_name="warningentry",
            index=models.Index(
                condition=models.Q(("closed_on__isnull", True)),
                fields=["-opened_on", "-id"],
                name="warning_open_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="warningentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("closed_on__isnull", True)),
                fields=("enterprise", "rule"),
                name="warning_entry_open_once",
            ),
        ),
    ]
