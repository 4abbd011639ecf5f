"""Ship the GB/T 19580-2012 scoring table and the default individual rubric as data.

New versions are entered by the office (copy and edit), never by editing this file.
"""

from django.db import migrations


def load(apps, schema_editor):
    from review.criteria import install_shipped_sets

    install_shipped_sets(
        apps.get_model("review", "CriteriaSet"),
        apps.get_model("review", "Criterion"),
        apps.get_model("review", "BandGuidance"),
    )


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
