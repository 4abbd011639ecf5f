"""The 2021 Measures (二连浩特市市长质量奖评审办法) as the first rulebook edition.

Rules data, not demo data: every installation starts with the edition the Measures
define, in force 2021-09-01 to 2026-08-31 (Art. 34: five years).
"""

from datetime import date

from django.db import migrations

EDITION_2021 = {
    "award": "erenhot-mayor-quality-award",
    "name": "二连浩特市市长质量奖评审办法（2021）",
    "document_number": "索引号 1152501011663205Y/2021-02499",
    "source_url": "",
    "effective_from": date(2021, 9, 1),
    "effective_until": date(2026, 8, 31),
    "cycle_years": 2,  # Art. 3
    "quota_organisation": 1,  # Art. 3
    "quota_individual": 1,  # Art. 3
    "vacancy_allowed": True,  # Art. 3
    "title_valid_years": 3,  # Art. 3
    "individual_track_enabled": True,  # Art. 2
    "organisation_min_operating_years": 3,  # Art. 10(1)
    "organisation_no_loss_years": 3,  # Art. 10(3)
    "individual_min_quality_years": 5,  # Art. 11(1)
    "top_manager_clean_years": 3,  # Art. 11(4)
    "exclusion_lookback_years": 3,  # Art. 12(3)-(5)
    "announcement_min_wd": 10,  # Art. 14
    "qualification_max_wd": 10,  # Art. 16
    "review_max_wd": 20,  # Art. 18
    "comment_min_wd": 30,  # Art. 19
    "publicity_wd": 7,  # Art. 22
    "prize_organisation_yuan": 200_000,  # Art. 23
    "prize_individual_yuan": 0,  # Art. 23: certificate and plaque only
    "fraud_ban_years": 5,  # Art. 28
    "revocation_window_years": 3,  # Art. 29
}


def create(apps, schema_editor):
    RulebookEdition = apps.get_model("rules", "RulebookEdition")
    RulebookEdition.objects.get_or_create(
        award=EDITION_2021["award"], effective_from=EDITION_2021["effective_from"],
        defaults=EDITION_2021,
    )


def remove(apps, schema_editor):
    RulebookEdition = apps.get_model("rules", "RulebookEdition")
    RulebookEdition.objects.filter(
        award=EDITION_2021["award"], effective_from=EDITION_2021["effective_from"],
        copies__isnull=True, locked_at__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
