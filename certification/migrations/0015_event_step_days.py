# The working days of each step, written on the timeline (certification/steps.py),
# filled in for the timelines that exist.
from itertools import groupby

from django.db import migrations, models


def fill(apps, schema_editor):
    from certification.steps import step_days

    ApplicationEvent = apps.get_model("certification", "ApplicationEvent")
    rows = (
        ApplicationEvent.objects.order_by("application_id", "created_at", "pk")
        .values_list("application_id", "pk", "from_status", "to_status", "created_at")
        .iterator(chunk_size=5000)
    )
    batch = []
    for _application, timeline in groupby(rows, key=lambda row: row[0]):
        events = [row[1:] for row in timeline]
        for event, days in zip(events, step_days(events), strict=True):
            if days is not None:
                batch.append(ApplicationEvent(pk=event[0], step_days=days))
        if len(batch) >= 5000:
            ApplicationEvent.objects.bulk_update(batch, ["step_days"])
            batch = []
    if batch:
        ApplicationEvent.objects.bulk_update(batch, ["step_days"])


class Migration(migrations.Migration):
    dependencies = [("certification", "0014_revocation_clocks_annual")]

    operations = [
        migrations.AddField(
            model_name="applicationevent",
            name="step_days",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="applicationevent",
            index=models.Index(
                condition=models.Q(("step_days__isnull", False)),
                fields=["created_at"],
                include=("application", "from_status", "step_days"),
                name="app_event_step_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="applicationevent",
            index=models.Index(
                fields=["transition", "created_at"],
                include=("application",),
                name="app_event_move_idx",
            ),
        ),
    ]
