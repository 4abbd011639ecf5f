"""Many rows at once for query-count guards and benchmarks: real rows in the real
database, written in bulk instead of through the services one by one."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from guardian.shortcuts import assign_perm

from applications.enums import DossierState
from applications.models import Dossier, Organisation, OrganisationMembership
from award_portal.workdays.models import Deadline
from tests.factories.applications import uscc


def received_dossiers(cycle, count: int, *, start: int = 0, member=None) -> list[Dossier]:
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"批量企业{start + i}",
                uscc=uscc(500_000 + start + i),
                district="border_zone",
                legal_representative="王",
                founded_on=date(2010, 1, 1),
                sector="C",
                ownership="private",
                contact_name="联系人",
                contact_phone="04790000000",
                contact_email=f"o{start + i}@example.invalid",
            )
            for i in range(count)
        ]
    )
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                cycle=cycle,
                kind="organisation",
                organisation=org,
                received_at=now - timedelta(minutes=i),
            )
            for i, org in enumerate(organisations)
        ]
    )
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(state=DossierState.SUBMITTED)
    kind = ContentType.objects.get_for_model(Dossier)
    Deadline.objects.bulk_create(
        [
            Deadline(
                kind="qualification_check",
                label=f"资格审查 {d.pk}",
                subject_type=kind,
                subject_id=str(d.pk),
                start_date=date(2026, 6, 2),
                working_days=10,
                due_date=date(2026, 6, 16),
                fingerprint="bulk",
            )
            for d in dossiers
        ]
    )
    if member is not None:
        OrganisationMembership.objects.bulk_create(
            [OrganisationMembership(organisation=org, user=member) for org in organisations[:1]]
        )
        for dossier in dossiers:
            assign_perm("applications.view_dossier", member, dossier)
    return dossiers
