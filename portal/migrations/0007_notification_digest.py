import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_sent(apps, schema_editor):
    # Notifications made before the digest were e-mailed one by one when made:
    # the first digest must not send them again.
    Notification = apps.get_model("portal", "Notification")
    Notification.objects.update(emailed_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_street_offices"),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "email",
                    models.CharField(
                        choices=[
                            ("daily", "One e-mail a day with everything new"),
                            ("immediate", "One e-mail for each notification"),
                        ],
                        default="daily",
                        max_length=10,
                        verbose_name="e-mail",
                    ),
                ),
                (
                    "digest_sent_on",
                    models.DateField(blank=True, null=True, verbose_name="last digest"),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preference",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
            },
        ),
        migrations.AddField(
            model_name="notification",
            name="emailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="e-mailed"),
        ),
        migrations.RunPython(mark_sent, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("emailed_at__isnull", True)),
                fields=["recipient", "created_at"],
                name="notification_unmailed_idx",
            ),
        ),
    ]
