"""Rounds get their code, received dossiers their application number, and every received
dossier without a receipt gets one, frozen from the data it holds at migration time
(marked ``backfilled``: the time of receipt is the dossier's first ``received_at``)."""

from decimal import Decimal

from django.db import migrations, models
from django.utils import timezone

ORG = [
    "name", "uscc", "district", "legal_representative", "founded_on", "sector", "ownership",
    "for_profit", "contact_name", "contact_phone", "contact_email",
]
PERSON = [
    "full_name", "id_number_encrypted", "id_number_hash", "id_number_masked", "employer",
    "position", "quality_work_since", "top_manager_of_uscc", "top_manager_of_name", "phone",
    "email",
]


def plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def forwards(apps, schema_editor):
    from django.conf import settings

    Cycle = apps.get_model("applications", "Cycle")
    Dossier = apps.get_model("applications", "Dossier")
    DossierFile = apps.get_model("applications", "DossierFile")
    Receipt = apps.get_model("applications", "Receipt")
    FinancialYear = apps.get_model("applications", "FinancialYear")
    Sequence = apps.get_model("documents", "DocumentSequence")
    Document = apps.get_model("documents", "OfficialDocument")
    ContentType = apps.get_model("contenttypes", "ContentType")

    taken = set()
    for cycle in Cycle.objects.order_by("created_at", "id"):
        base = str((cycle.announcement_date or timezone.localdate(cycle.created_at)).year)
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        taken.add(code)
        Cycle.objects.filter(pk=cycle.pk).update(code=code)

    dossier_type, _ = ContentType.objects.get_or_create(app_label="applications", model="dossier")
    prefix = settings.PORTAL_DOCUMENT_PREFIX
    received = Dossier.objects.exclude(state="draft").exclude(received_at=None)
    for cycle in Cycle.objects.all():
        for kind, letter in (("organisation", "Z"), ("individual", "G")):
            rows = received.filter(cycle=cycle, kind=kind, serial=None).order_by("received_at", "id")
            start = (
                received.filter(cycle=cycle, kind=kind).aggregate(m=models.Max("serial"))["m"] or 0
            )
            for offset, dossier in enumerate(rows, start=1):
                serial = start + offset
                Dossier.objects.filter(pk=dossier.pk).update(
                    serial=serial, number=f"{cycle.code}-{letter}-{serial:03d}"
                )
    for dossier in received.filter(receipts=None).order_by("received_at", "id"):
        year = timezone.localtime(dossier.received_at).year
        sequence, _ = Sequence.objects.get_or_create(prefix=prefix, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        document = Document.objects.create(
            kind="receipt",
            prefix=prefix,
            year=year,
            serial=sequence.last,
            number=f"{prefix}〔{year}〕{sequence.last}号",
            title="申报材料接收回执",
            issued_at=dossier.received_at,
            subject_type=dossier_type,
            subject_id=str(dossier.pk),
        )
        if dossier.organisation_id:
            org = dossier.organisation
            applicant = {"kind": "organisation", "id": org.pk}
            applicant.update({name: plain(getattr(org, name)) for name in ORG})
            applicant["years"] = [
                {"year": fy.year, "revenue": str(fy.revenue), "profit": str(fy.profit)}
                for fy in FinancialYear.objects.filter(organisation=org).order_by("-year")
            ]
        else:
            person = dossier.individual
            applicant = {"kind": "individual", "id": person.pk, "user_id": person.user_id}
            applicant.update({name: plain(getattr(person, name)) for name in PERSON})
        applicant["backfilled"] = True
        files = list(DossierFile.objects.filter(dossier=dossier).order_by("kind", "uploaded_at", "id"))
        submitter = files[0].uploaded_by_id if files else None
        if submitter is None:
            continue  # nothing to attribute the receipt to; the dossier keeps its time only
        receipt = Receipt.objects.create(
            dossier=dossier,
            sequence=1,
            kind="submission",
            received_at=dossier.received_at,
            received_by_id=submitter,
            document=document,
            applicant=applicant,
            answers={
                "declarations": dossier.declarations or {},
                "category_summaries": dossier.category_summaries or {},
                "achievements": dossier.achievements,
            },
            files=[
                {
                    "id": f.pk, "title": f.title, "kind": f.kind, "size": f.size,
                    "sha256": f.sha256, "content_type": f.content_type,
                    "trade_secret": f.trade_secret, "uploaded_at": f.uploaded_at.isoformat(),
                    "answers_item": "", "supersedes": None, "new": True,
                }
                for f in files
            ],
        )
        DossierFile.objects.filter(dossier=dossier).update(receipt=receipt)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_receipts_numbers_invitations"),
        ("documents", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cycle",
            name="code",
            field=models.CharField(
                help_text=(
                    "Begins every application number of the round (e.g. 2026 gives "
                    "2026-Z-003). Empty: the year of the announcement."
                ),
                max_length=12,
                unique=True,
                verbose_name="round code",
            ),
        ),
    ]
