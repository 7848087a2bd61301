# The grading authority's approval (核准) and the consent to a lower grade:
# two states and the authority of each application (certification/approval/).
import django.db.models.deletion
from django.db import migrations, models

STATUS_CHOICES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("returned", "Returned for correction"),
    ("rejected", "Not accepted"),
    ("withdrawn", "Withdrawn"),
    ("accepted", "Accepted"),
    ("national", "Forwarded to the national organising unit"),
    ("national_decided", "Decided nationally"),
    ("assigned", "Review unit assigned"),
    ("on_site_review", "On-site review"),
    ("rectification", "Rectification"),
    ("reported", "Review reported"),
    ("awaiting_consent", "Awaiting consent to a lower grade"),
    ("verified", "Verified"),
    ("approved", "Approved by the grading authority"),
    ("publicity", "Publicity"),
    ("announced", "Announced"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0012_annual_overdue_open_idx"),
        ("portal", "0006_street_offices"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="authority",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="graded_applications",
                to="portal.organisation",
                verbose_name="grading authority",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="status",
            field=models.CharField(
                choices=STATUS_CHOICES,
                db_index=True,
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="from_status",
            field=models.CharField(blank=True, choices=STATUS_CHOICES, max_length=20),
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="to_status",
            field=models.CharField(choices=STATUS_CHOICES, max_length=20),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["authority", "status", "due_on"], name="app_authority_queue_idx"
            ),
        ),
    ]
