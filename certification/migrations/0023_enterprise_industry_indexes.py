"""A regulator's status tabs count its industries' applications and certificates from
these indexes (the rows' copy of the enterprise's industry, 0022)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("certification", "0022_enterprise_industry")]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["enterprise_industry", "status"], name="app_industry_status_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                fields=["enterprise_industry", "status"], name="cert_industry_status_idx"
            ),
        ),
    ]
