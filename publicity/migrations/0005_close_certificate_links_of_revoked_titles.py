"""The winners' notification links to the certificate of a title revoked before links
were closed with the revocation (``revocation_decide`` does it since): closed now. The
notifications keep their text and address."""

from django.db import migrations
from django.urls import reverse
from django.utils import timezone


def forward(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Award = apps.get_model("publicity", "Award")
    revoked = Award.objects.filter(revoked_on__isnull=False).values_list("pk", flat=True)
    urls = [reverse("publicity:certificate-pdf", args=[pk]) for pk in revoked]
    if urls:
        Notification.objects.filter(
            url__in=urls, link_closed_at__isnull=True, user__groups__name="applicant"
        ).update(link_closed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0004_archive"),
        ("notifications", "0005_notification_link_closed"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
