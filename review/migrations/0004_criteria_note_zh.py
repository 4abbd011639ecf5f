"""The shipped GB/T 19580-2012 set's note in Chinese (it was installed in English)."""

from django.db import migrations

OLD = (
    "Item codes and points are the standard's 评分条款分值表 (Annex A). Each 4.x.1 is 总则 "
    "and carries no points. Process items are 4.1-4.6 (600 points, scored by ADLI), result "
    "items 4.7 (400 points, scored by LeTCI)."
)
NEW = (
    "评分条款编号及分值依据标准附录A《评分条款分值表》。各类目的4.x.1为总则，不计分。"
    "过程类条款为4.1—4.6（共600分，按ADLI评价），结果类条款为4.7（共400分，按LeTCI评价）。"
)


def forward(apps, schema_editor):
    apps.get_model("review", "CriteriaSet").objects.filter(note=OLD).update(note=NEW)


def backward(apps, schema_editor):
    apps.get_model("review", "CriteriaSet").objects.filter(note=NEW).update(note=OLD)


class Migration(migrations.Migration):
    dependencies = [("review", "0003_acting_leader")]

    operations = [migrations.RunPython(forward, backward)]
