"""The experts' notification links to the panel results of a stage closed before links
were closed with their stage (``stage_close`` does it since): closed now, as of the
stage's closing. The notifications keep their text and address."""

from django.db import migrations
from django.urls import reverse
from django.utils import timezone


def forward(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ReviewStage = apps.get_model("review", "ReviewStage")
    PanelDossier = apps.get_model("review", "PanelDossier")
    StageResult = apps.get_model("review", "StageResult")
    for stage in ReviewStage.objects.filter(state="closed").order_by("pk"):
        dossiers = set(PanelDossier.objects.filter(stage=stage).values_list("dossier", flat=True))
        dossiers |= set(StageResult.objects.filter(stage=stage).values_list("dossier", flat=True))
        urls = [reverse("review:result", args=[stage.pk, pk]) for pk in sorted(dossiers)]
        Notification.objects.filter(
            url__in=urls, link_closed_at__isnull=True, user__groups__name="expert"
        ).update(link_closed_at=stage.closed_at or timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_criteria_note_zh"),
        ("notifications", "0005_notification_link_closed"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
