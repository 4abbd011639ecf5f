"""Rounds in the second half of the flow, for the public pages: results published, a
list under publicity, winners with certificates. Real rows in the real database, written
in bulk the way the services leave them (the services themselves are walked through in
``tests/publicity/test_flow.py``); awards are granted by the real ``award_grant``.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone
from guardian.shortcuts import assign_perm

from applications.enums import CycleState, DossierState
from applications.models import Cycle, Dossier, Individual, Organisation, OrganisationMembership
from award_portal import privacy
from award_portal.accounts.models import User
from award_portal.documents.services import document_issue
from award_portal.workdays.engine import ScheduleUnknown
from publicity.models import Approval, NoticeEntry, PublicityNotice, ResultsNotice
from publicity.services.award import award_grant
from publicity.services.comment import comment_window
from publicity.services.publicity import publicity_period
from tests.factories.applications import id_number, uscc

_serial = count(1)
RESULT = "完成全部评审环节"


def _round(office, edition, *, name: str, state: str, quotas=(1, 1)) -> Cycle:
    n = next(_serial)
    return Cycle.objects.create(
        name=name,
        code=f"P{n:05d}",
        edition=edition,
        state=state,
        announcement_date=date(2026, 3, 2),
        application_deadline=date(2026, 3, 31),
        quota_organisation=quotas[0],
        quota_individual=quotas[1],
        announced_at=timezone.now(),
    )


def dossiers_for(
    cycle, *, organisations: int, individuals: int = 0, state=DossierState.CANDIDATE, owner=None
) -> list[Dossier]:
    """``organisations`` + ``individuals`` dossiers of the round in ``state``; ``owner``
    (a user) may see the first one, as the applicant who filed it does."""
    base = next(_serial) * 10_000
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"公示测试企业{base + i}",
                uscc=uscc(700_000 + base + i),
                district="urban" if i % 2 else "border_zone",
                legal_representative="王",
                founded_on=date(2010, 1, 1),
                sector="C" if i % 3 else "G",
                ownership="private",
                contact_name="联系人",
                contact_phone="04790000000",
                contact_email=f"p{base + i}@example.invalid",
            )
            for i in range(organisations)
        ]
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"pub_person{base + i}",
                email=f"pub_person{base + i}@example.invalid",
                applicant_kind="individual",
                password="!",
            )
            for i in range(individuals)
        ]
    )
    people = []
    for i, user in enumerate(users):
        number = id_number(100 + (base + i) % 800)
        people.append(
            Individual(
                user=user,
                full_name=f"公示测试个人{base + i}",
                id_number_encrypted=privacy.encrypt(number),
                id_number_hash=f"{base + i:064d}",
                id_number_masked=privacy.mask(number, keep_start=3, keep_end=4),
                employer="二连浩特市某检测中心",
                position="质量负责人",
                quality_work_since=2010,
                phone="13904790001",
                email=f"i{base + i}@example.invalid",
            )
        )
    people = Individual.objects.bulk_create(people)
    received = timezone.now() - timedelta(days=60)
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                cycle=cycle,
                kind="organisation",
                organisation=org,
                number=f"{cycle.code}-Z-{base + i + 1:05d}",
                received_at=received,
            )
            for i, org in enumerate(orgs)
        ]
        + [
            Dossier(
                cycle=cycle,
                kind="individual",
                individual=person,
                number=f"{cycle.code}-G-{base + i + 1:05d}",
                received_at=received,
            )
            for i, person in enumerate(people)
        ]
    )
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(state=state)
    if owner is not None and dossiers:
        first = dossiers[0]
        if first.organisation_id:
            OrganisationMembership.objects.create(organisation=first.organisation, user=owner)
        assign_perm("applications.view_dossier", owner, first)
    return list(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).order_by("id"))


def publish_results(
    office, cycle, dossiers, *, title=None, published_at=None, closed_at=None, **shown
) -> ResultsNotice:
    """The notice as ``notice_publish`` leaves it: entries frozen, dates, document."""
    notice = ResultsNotice.objects.create(
        cycle=cycle,
        title=title or f"{cycle.name}评审结果公示",
        body="现将本届市长质量奖评审结果予以公布，公开征求社会意见。\n欢迎社会各界监督。",
        created_by=office,
        published_at=published_at or timezone.now(),
        document=document_issue(kind="results_notice", title=title or cycle.name, subject=cycle),
        comment_closed_at=closed_at,
        **shown,
    )
    with suppress(ScheduleUnknown):  # as notice_publish: the dates wait for the schedule
        notice.comment_first_day, notice.comment_earliest_close = comment_window(notice)
    notice.save()
    positions = {"organisation": 0, "individual": 0}
    entries = []
    for dossier in dossiers:
        positions[dossier.kind] += 1
        org = dossier.organisation
        entries.append(
            NoticeEntry(
                notice=notice,
                dossier=dossier,
                kind=dossier.kind,
                position=positions[dossier.kind],
                name=dossier.applicant_name,
                sector=org.get_sector_display() if org else "",
                district=org.get_district_display() if org else "",
                rank=positions[dossier.kind],
                score=Decimal("90.00") - positions[dossier.kind] / Decimal(100),
                result=RESULT,
            )
        )
    NoticeEntry.objects.bulk_create(entries)
    Cycle.objects.filter(pk=cycle.pk).update(results_published_at=notice.published_at)
    return notice


def results_round(
    office,
    edition,
    *,
    name="第三届市长质量奖",
    organisations=3,
    individuals=1,
    owner=None,
    closed=False,
    **shown,
):
    state = CycleState.GROUP_VOTE if closed else CycleState.PUBLIC_COMMENT
    cycle = _round(office, edition, name=name, state=state)
    dossiers = dossiers_for(
        cycle,
        organisations=organisations,
        individuals=individuals,
        state=DossierState.REVIEWED,
        owner=owner,
    )
    notice = publish_results(
        office, cycle, dossiers, closed_at=timezone.now() if closed else None, **shown
    )
    return cycle, notice, dossiers


def publicise(
    office, cycle, proposed, *, published_on=None, ended=False, outcome=""
) -> PublicityNotice:
    """The notice as ``publicity_publish`` leaves it (and ``publicity_end`` when ended)."""
    published_on = published_on or timezone.localdate()
    window = publicity_period(cycle, published_on=published_on)
    notice = PublicityNotice.objects.create(
        cycle=cycle,
        title=f"{cycle.name}拟授奖名单公示",
        body="经市长质量奖评审专项工作组审议，现将拟授奖名单予以公示。",
        first_day=window.first,
        last_day=window.last,
        working_days=window.working_days,
        document=document_issue(kind="publicity_notice", title=cycle.name, subject=cycle),
        published_by=office,
        ended_at=timezone.now() if ended else None,
        outcome=outcome,
    )
    notice.entries.set(proposed)
    return notice


def publicity_round(
    office,
    edition,
    *,
    name="第三届市长质量奖",
    proposed=(1, 1),
    others=3,
    published_on=None,
    owner=None,
    ended=False,
    outcome="",
):
    cycle = _round(
        office, edition, name=name, state=CycleState.APPROVAL if ended else CycleState.PUBLICITY
    )
    chosen = dossiers_for(
        cycle,
        organisations=proposed[0],
        individuals=proposed[1],
        state=DossierState.PROPOSED,
        owner=owner,
    )
    rest = dossiers_for(cycle, organisations=others, state=DossierState.NOT_PROPOSED)
    publish_results(office, cycle, chosen + rest, closed_at=timezone.now())
    notice = publicise(
        office, cycle, chosen, published_on=published_on, ended=ended, outcome=outcome
    )
    return cycle, notice, chosen


def awarded_round(
    office,
    edition,
    *,
    name="第二届市长质量奖",
    winners=(1, 1),
    quotas=(1, 1),
    approved_on=date(2024, 8, 5),
    owner=None,
    others=2,
):
    """A round through approval: each winner granted by ``award_grant`` (certificate,
    prize, the dossier ``awarded``)."""
    cycle = _round(office, edition, name=name, state=CycleState.APPROVAL, quotas=quotas)
    chosen = dossiers_for(
        cycle,
        organisations=winners[0],
        individuals=winners[1],
        state=DossierState.APPROVED,
        owner=owner,
    )
    rest = dossiers_for(cycle, organisations=others, state=DossierState.NOT_PROPOSED)
    publish_results(office, cycle, chosen + rest, closed_at=timezone.now())
    publicise(office, cycle, chosen, ended=True, outcome="公示期满，无异议。")
    approval = Approval.objects.create(
        cycle=cycle,
        document_number=f"二政字〔{approved_on.year}〕{next(_serial)}号",
        approved_on=approved_on,
        scan="publicity/approvals/scan.pdf",
        scan_name="批复.pdf",
        scan_sha256="0" * 64,
        recorded_by=office,
    )
    awards = [award_grant(actor=office, dossier=d, approval=approval) for d in chosen]
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.AWARDED, approved_at=timezone.now())
    return Cycle.objects.get(pk=cycle.pk), awards
