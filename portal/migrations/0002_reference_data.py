from django.db import migrations


def load(apps, schema_editor):
    from portal.reference import load_reference_data

    load_reference_data(apps.get_model("portal", "Region"), apps.get_model("portal", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
