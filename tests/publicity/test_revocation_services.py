"""Revocation (Art. 28, 29), recovery and bans (Art. 12(4), 28) through the services,
against the real database: the whole fraud case, the Art. 29 window at its boundary,
the statement period, over-recovery, a decision not to revoke, and the ban enforced when
the same applicant starts a new dossier. Each writing service's audit row is asserted
(action, actor, target)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from applications.enums import DossierState
from applications.models import ApplicantBan, Dossier, OrganisationMembership
from applications.services.bans import ban_record, years_later_last_day
from applications.services.dossiers import dossier_start
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import OutboxMessage
from publicity.enums import RevocationGround, RevocationState
from publicity.models import Award, RevocationCase
from publicity.services.award import plaque_deliver, prize_pay
from publicity.services.revocation import (
    prize_recovery_record,
    recovery_item_record,
    revocation_decide,
    revocation_evidence_add,
    revocation_open,
    revocation_propose,
    revocation_statement_submit,
)
from tests.factories import ApplicantFactory
from tests.factories.applications import announced_cycle, id_number, pdf_upload
from tests.factories.publicity_rounds import awarded_round

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BEIJING = ZoneInfo("Asia/Shanghai")


def row(action, target):
    return AuditEvent.objects.get(action=action, target_id=str(target.pk))


@pytest.fixture
def winner(office, edition_2021, june_2026, applicant):
    """The organisation winner of a round approved on 2024-08-05 (``applicant`` acts for
    it), its plaque delivered and its prize paid in 2025."""
    _cycle, awards = awarded_round(office, edition_2021, winners=(1, 1), owner=applicant)
    award = awards[0]
    plaque_deliver(actor=office, award=award, delivered_on=date(2024, 9, 1), received_by="张三")
    prize_pay(actor=office, prize=award.prize, paid_on=date(2025, 3, 3), reference="付款001")
    return Award.objects.select_related("dossier", "cycle__edition").get(pk=award.pk)


def open_fraud(office, award, **extra):
    options = {
        "actor": office,
        "award": award,
        "ground": RevocationGround.FRAUD,
        "facts": "经核查，申报材料中的检测报告系伪造。",
        "statement_working_days": 10,
        "evidence": [pdf_upload("核查报告.pdf")],
    }
    return revocation_open(**(options | extra))


def revoke_for_fraud(office, applicant, award, *, number: str):
    """A fraud case taken to the end: the winner's statement, the proposal, the
    government's decision to revoke (all on 2026-06-02)."""
    case = open_fraud(office, award)
    revocation_statement_submit(actor=applicant, case=case, text="我单位对此有异议。")
    revocation_propose(
        actor=office, case=case, proposal="建议撤销其称号。", proposed_on=date(2026, 6, 2)
    )
    revocation_decide(
        actor=office,
        case=case,
        revoke=True,
        document_number=number,
        decided_on=date(2026, 6, 2),
        scan=pdf_upload("撤销决定.pdf"),
    )
    return case


def test_a_fraud_case_ends_in_revocation_recovery_and_a_ban(office, applicant, winner):
    case = open_fraud(office, winner)
    # 10 working days after Tuesday 2026-06-02
    assert case.statement_due == date(2026, 6, 16)
    assert case.state == RevocationState.OPENED and case.number == "2026-CX-001"
    assert case.files.get().sha256 and not case.files.get().from_winner
    opened = row("publicity.revocation_opened", case)
    assert opened.actor == office and opened.details["statement_due"] == "2026-06-16"
    told = [
        m
        for m in OutboxMessage.objects.filter(channel="email")
        if applicant.email in m.to and "2026-CX-001" in m.subject
    ]
    assert len(told) == 1 and "2026年6月16日" in told[0].body

    revocation_evidence_add(actor=office, case=case, upload=pdf_upload("笔录.pdf"), note="询问笔录")
    assert row("publicity.revocation_evidence", case).actor == office

    revocation_statement_submit(
        actor=applicant, case=case, text="我单位对此有异议。", upload=pdf_upload("说明.pdf")
    )
    case.refresh_from_db()
    assert case.state == RevocationState.ANSWERED and case.statement_by == applicant
    assert row("publicity.revocation_statement", case).actor == applicant

    revocation_propose(
        actor=office, case=case, proposal="建议撤销其称号。", proposed_on=date(2026, 6, 2)
    )
    assert row("publicity.revocation_proposed", case).actor == office

    case = revocation_decide(
        actor=office,
        case=case,
        revoke=True,
        document_number="二政字〔2026〕88号",
        decided_on=date(2026, 6, 2),
        scan=pdf_upload("撤销决定.pdf"),
    )
    winner.refresh_from_db()
    assert winner.revoked_on == date(2026, 6, 2)
    assert winner.status_on(date(2026, 6, 2)) == "revoked"
    assert winner.status_on(date(2026, 6, 1)) == "valid"
    assert Dossier.objects.get(pk=winner.dossier_id).state == DossierState.REVOKED
    assert case.state == RevocationState.REVOKED and case.notice.number.endswith("号")
    assert case.prize_due_yuan == 200_000 and case.plaque_due
    decided = row("publicity.revocation_decided", case)
    assert decided.actor == office and decided.details["ban_until"] == "2031-06-01"
    assert decided.details["prize_due"] == "200,000"
    # Art. 28: barred for the edition's 5 years from the decision date, by credit code
    ban = case.ban
    assert ban.uscc == winner.dossier.organisation.uscc and ban.id_number_hash == ""
    assert (ban.starts_on, ban.ends_on) == (date(2026, 6, 2), date(2031, 6, 1))
    assert row("applicant.ban_recorded", ban).actor == office
    decision_mail = next(
        m
        for m in OutboxMessage.objects.filter(channel="email")
        if applicant.email in m.to and "市人民政府的决定" in m.subject
    )
    for expected in ("二政字〔2026〕88号", "交回", "200,000", "2031年6月1日"):
        assert expected in decision_mail.body, expected

    recovery_item_record(actor=office, case=case, item="plaque", on=date(2026, 6, 2))
    recovery_item_record(actor=office, case=case, item="certificate", on=date(2026, 6, 2))
    prize_recovery_record(
        actor=office,
        case=case,
        amount_yuan=150_000,
        received_on=date(2026, 6, 2),
        reference="退款1",
    )
    case.refresh_from_db()
    assert case.state == RevocationState.REVOKED  # 50,000 yuan outstanding
    assert AuditEvent.objects.filter(action="publicity.recovery_recorded").count() == 3
    prize_recovery_record(
        actor=office, case=case, amount_yuan=50_000, received_on=date(2026, 6, 2), reference="退款2"
    )
    case.refresh_from_db()
    assert case.state == RevocationState.CLOSED
    assert case.recovery_completed_on == date(2026, 6, 2)
    assert row("publicity.revocation_closed", case).actor == office


def test_the_barred_organisation_cannot_start_a_dossier_whatever_the_account(
    office, applicant, winner
):
    case = open_fraud(office, winner, statement_working_days=3)
    with time_machine.travel(datetime(2026, 6, 8, 9, 0, tzinfo=BEIJING), tick=True):
        # the statement period (to 2026-0605) has passed without a statement
        revocation_propose(
            actor=office, case=case, proposal="建议撤销。", proposed_on=date(2026, 6, 8)
        )
        revocation_decide(
            actor=office,
            case=case,
            revoke=True,
            document_number="二政字〔2026〕90号",
            decided_on=date(2026, 6, 8),
            scan=pdf_upload(),
        )
        cycle = announced_cycle(
            office, winner.cycle.edition, announce=date(2026, 6, 8), deadline=date(2026, 7, 10)
        )
        colleague = ApplicantFactory(username="org_a_new_account")
        OrganisationMembership.objects.create(
            organisation=winner.dossier.organisation, user=colleague
        )
        before = Dossier.objects.count()
        for user in (applicant, colleague):
            with pytest.raises(ValidationError, match="2031年6月7日"):
                dossier_start(actor=user, cycle=cycle)
        assert Dossier.objects.count() == before


def test_the_fraud_ban_lasts_as_the_edition_in_force_on_the_decision_date_sets(
    office, applicant, winner
):
    """The round was won under the 2021 edition (5 years), which ended on 2026-08-31; the
    decision of 2026-09-02 falls under the edition in force then."""
    from award_portal.rules.services import edition_copy, edition_update

    case = open_fraud(office, winner, statement_working_days=3)
    with time_machine.travel(datetime(2026, 9, 2, 9, 0, tzinfo=BEIJING), tick=True):
        revocation_propose(
            actor=office, case=case, proposal="建议撤销。", proposed_on=date(2026, 9, 2)
        )
        decide = {
            "actor": office,
            "case": case,
            "revoke": True,
            "document_number": "二政字〔2026〕95号",
            "decided_on": date(2026, 9, 2),
        }
        # no edition in force on that day: no guess, nothing recorded
        with pytest.raises(ValidationError, match="2026年9月2日无有效的评审办法版本"):
            revocation_decide(**decide, scan=pdf_upload())
        case.refresh_from_db()
        assert case.state == RevocationState.PROPOSED and not case.decision_number
        assert not ApplicantBan.objects.exists()
        winner.refresh_from_db()
        assert winner.revoked_on is None
        newer = edition_copy(
            actor=office,
            source=winner.cycle.edition,
            name="二连浩特市市长质量奖评审办法（2026 修订）",
            effective_from=date(2026, 9, 1),
            effective_until=None,
        )
        edition_update(actor=office, edition=newer, data={"fraud_ban_years": 3})
        case = revocation_decide(**decide, scan=pdf_upload())
    assert winner.cycle.edition.fraud_ban_years == 5
    assert (case.ban.starts_on, case.ban.ends_on) == (date(2026, 9, 2), date(2029, 9, 1))


def test_the_winner_is_reminded_before_the_statement_is_due_and_the_clock_stops(
    office, applicant, winner
):
    from award_portal.notifications.models import Notification
    from award_portal.workdays.models import Deadline, DeadlineStatus
    from award_portal.workdays.reminders import deadline_reminders_send

    case = open_fraud(office, winner)  # due Tuesday 2026-06-16
    deadline = Deadline.objects.get(kind="publicity.revocation_statement")
    assert deadline.due_date == case.statement_due == date(2026, 6, 16)
    assert list(deadline.responsible.all()) == [applicant]
    reminded = Notification.objects.filter(user=applicant, url=f"/revocations/{case.pk}/statement/")
    before = reminded.count()  # the notice of the opening
    assert deadline_reminders_send(today=date(2026, 6, 11)).upcoming == 0  # 3 wd before
    assert deadline_reminders_send(today=date(2026, 6, 12)).upcoming == 1  # 2 wd before
    assert reminded.count() == before + 1
    revocation_statement_submit(actor=applicant, case=case, text="我单位有异议。")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    told = Notification.objects.get(user=office, url=f"/office/revocations/{case.pk}/")
    assert case.number in told.title


def test_a_fraud_case_takes_no_incident_date(office, winner):
    with pytest.raises(ValidationError, match="请将该日期留空"):
        open_fraud(office, winner, incident_on=date(2025, 5, 1))
    assert not RevocationCase.objects.exists()
    assert not AuditEvent.objects.filter(action="publicity.revocation_opened").exists()


def test_a_ban_from_another_award_bars_a_person_by_id_number(
    office, edition_2021, june_2026, cycle, other_applicant
):
    from tests.factories.applications import individual_for

    number = id_number(456)
    individual_for(other_applicant, serial=456)
    ban = ban_record(
        actor=office,
        kind="individual",
        name="某某",
        identifier=number,
        reason="在自治区质量奖申报中提供虚假材料",
        reference="内市监〔2025〕12号",
        starts_on=date(2025, 9, 1),
        ends_on=date(2028, 8, 31),
    )
    assert ban.id_number_masked.startswith("152") and number not in ban.id_number_masked
    event = row("applicant.ban_recorded", ban)
    assert event.actor == office and number not in str(event.details)
    with pytest.raises(ValidationError, match="2028年8月31日"):
        dossier_start(actor=other_applicant, cycle=cycle)
    assert not Dossier.objects.filter(individual__user=other_applicant).exists()


def test_a_ban_ended_yesterday_no_longer_bars(office, june_2026, cycle, applicant):
    from tests.factories.applications import organisation_for

    organisation = organisation_for(applicant)
    ban_record(
        actor=office,
        kind="organisation",
        name=organisation.name,
        identifier=organisation.uscc,
        reason="在其他政府奖项中弄虚作假",
        reference="",
        starts_on=date(2023, 6, 2),
        ends_on=date(2026, 6, 1),
    )
    assert dossier_start(actor=applicant, cycle=cycle).organisation == organisation


@pytest.mark.parametrize(
    ("kind", "identifier", "starts", "ends", "message"),
    [
        ("organisation", "91152501000000000", date(2026, 1, 1), date(2027, 1, 1), "18"),
        ("individual", "152501198003151234", date(2026, 1, 1), date(2027, 1, 1), "."),
        ("organisation", None, date(2026, 1, 1), date(2025, 1, 1), "."),
    ],
)
def test_a_bad_ban_is_refused_and_nothing_is_kept(
    office, db, kind, identifier, starts, ends, message
):
    from tests.factories.applications import uscc

    with pytest.raises(ValidationError, match=message):
        ban_record(
            actor=office,
            kind=kind,
            name="某单位",
            identifier=identifier or uscc(77),
            reason="弄虚作假",
            reference="",
            starts_on=starts,
            ends_on=ends,
        )
    assert not ApplicantBan.objects.exists()
    assert not AuditEvent.objects.filter(action="applicant.ban_recorded").exists()


def test_only_the_office_records_a_ban(applicant, db):
    with pytest.raises(PermissionDenied):
        ban_record(
            actor=applicant,
            kind="organisation",
            name="x",
            identifier="x",
            reason="x",
            reference="",
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 1, 1),
        )


@pytest.mark.parametrize(
    ("incident", "opens"), [(date(2024, 12, 19), True), (date(2024, 12, 20), False)]
)
def test_art_29_only_within_the_window_after_the_award(
    office, edition_2021, june_2026, incident, opens
):
    """Approved 2021-12-20: the 3-year window ends on 2024-12-19."""
    _cycle, awards = awarded_round(
        office, edition_2021, name="第一届", approved_on=date(2021, 12, 20)
    )
    options = {
        "actor": office,
        "award": awards[0],
        "ground": RevocationGround.INCIDENT,
        "facts": "发生较大质量安全事故。",
        "incident_on": incident,
        "statement_working_days": 5,
    }
    if opens:
        assert revocation_open(**options).incident_on == incident
    else:
        with pytest.raises(ValidationError, match="2024年12月19日"):
            revocation_open(**options)
        assert not RevocationCase.objects.exists()
        assert not AuditEvent.objects.filter(action="publicity.revocation_opened").exists()


def test_fraud_may_be_pursued_after_the_title_expired(office, edition_2021, june_2026):
    _cycle, awards = awarded_round(
        office, edition_2021, name="第一届", approved_on=date(2021, 12, 20)
    )
    assert awards[0].status_on(date(2026, 6, 2)) == "expired"
    assert open_fraud(office, awards[0], evidence=[]).ground == RevocationGround.FRAUD


def test_an_incident_needs_its_date_and_a_second_open_case_is_refused(office, winner):
    with pytest.raises(ValidationError):
        revocation_open(
            actor=office,
            award=winner,
            ground=RevocationGround.INCIDENT,
            facts="事故",
            statement_working_days=5,
        )
    open_fraud(office, winner)
    with pytest.raises(ValidationError, match=r"open already|已有"):
        open_fraud(office, winner)
    assert RevocationCase.objects.count() == 1


def test_the_statement_period_is_kept_both_ways(office, applicant, other_applicant, winner):
    case = open_fraud(office, winner, statement_working_days=3)  # due 2026-06-05
    with pytest.raises(ValidationError, match="2026年6月5日"):
        revocation_propose(
            actor=office, case=case, proposal="建议撤销。", proposed_on=date(2026, 6, 2)
        )
    with pytest.raises(PermissionDenied):
        revocation_statement_submit(actor=other_applicant, case=case, text="冒名陈述")
    with (
        time_machine.travel(datetime(2026, 6, 5, 23, 50, tzinfo=BEIJING), tick=False),
        pytest.raises(ValidationError, match="2026年6月5日"),
    ):
        revocation_propose(actor=office, case=case, proposal="建议。", proposed_on=date(2026, 6, 5))
    with time_machine.travel(datetime(2026, 6, 8, 0, 5, tzinfo=BEIJING), tick=False):
        with pytest.raises(ValidationError, match="2026年6月5日"):
            revocation_statement_submit(actor=applicant, case=case, text="迟到的陈述")
        revocation_propose(
            actor=office, case=case, proposal="建议撤销。", proposed_on=date(2026, 6, 8)
        )
    case.refresh_from_db()
    assert case.state == RevocationState.PROPOSED and case.statement == ""


def test_more_than_is_due_is_never_recovered(office, winner):
    case = open_fraud(office, winner)
    with time_machine.travel(datetime(2026, 6, 17, 9, 0, tzinfo=BEIJING), tick=True):
        revocation_propose(
            actor=office, case=case, proposal="建议。", proposed_on=date(2026, 6, 17)
        )
        revocation_decide(
            actor=office,
            case=case,
            revoke=True,
            document_number="二政字〔2026〕91号",
            decided_on=date(2026, 6, 17),
            scan=pdf_upload(),
        )
        with pytest.raises(ValidationError, match="200,000"):
            prize_recovery_record(
                actor=office,
                case=case,
                amount_yuan=200_001,
                received_on=date(2026, 6, 17),
                reference="x",
            )
        with pytest.raises(ValidationError):  # before the decision
            recovery_item_record(actor=office, case=case, item="plaque", on=date(2026, 6, 16))
    case.refresh_from_db()
    assert case.recoveries.count() == 0 and case.plaque_recovered_on is None


def test_an_incident_revocation_recovers_no_prize_and_bars_nobody(office, winner):
    case = revocation_open(
        actor=office,
        award=winner,
        ground=RevocationGround.INCIDENT,
        facts="发生较大安全生产事故。",
        incident_on=date(2026, 5, 10),
        statement_working_days=3,
    )
    with time_machine.travel(datetime(2026, 6, 8, 9, 0, tzinfo=BEIJING), tick=True):
        revocation_propose(
            actor=office, case=case, proposal="建议撤销奖励。", proposed_on=date(2026, 6, 8)
        )
        case = revocation_decide(
            actor=office,
            case=case,
            revoke=True,
            document_number="二政字〔2026〕92号",
            decided_on=date(2026, 6, 8),
            scan=pdf_upload(),
        )
    assert case.prize_due_yuan == 0 and case.ban is None
    assert not ApplicantBan.objects.exists()


def test_a_decision_not_to_revoke_leaves_the_title(office, winner):
    case = open_fraud(office, winner, statement_working_days=3)
    with time_machine.travel(datetime(2026, 6, 8, 9, 0, tzinfo=BEIJING), tick=True):
        revocation_propose(actor=office, case=case, proposal="建议。", proposed_on=date(2026, 6, 8))
        case = revocation_decide(
            actor=office,
            case=case,
            revoke=False,
            document_number="二政字〔2026〕93号",
            decided_on=date(2026, 6, 8),
            scan=pdf_upload(),
        )
    winner.refresh_from_db()
    assert case.state == RevocationState.NOT_REVOKED and case.notice is None
    assert winner.revoked_on is None and not ApplicantBan.objects.exists()
    assert Dossier.objects.get(pk=winner.dossier_id).state == DossierState.AWARDED


def test_a_revoked_title_gets_no_plaque_and_no_prize(office, edition_2021, june_2026):
    _cycle, awards = awarded_round(office, edition_2021, winners=(1, 0))
    Award.objects.filter(pk=awards[0].pk).update(revoked_on=date(2026, 5, 1))
    with pytest.raises(ValidationError):
        prize_pay(actor=office, prize=awards[0].prize, paid_on=date(2026, 5, 2), reference="x")
    with pytest.raises(ValidationError):
        plaque_deliver(
            actor=office, award=awards[0], delivered_on=date(2026, 5, 2), received_by="x"
        )


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (date(2026, 6, 2), 5, date(2031, 6, 1)),
        (date(2028, 2, 29), 5, date(2033, 2, 27)),
        (date(2026, 1, 1), 1, date(2026, 12, 31)),
    ],
)
def test_the_ban_lasts_exactly_the_years(start, years, end):
    assert years_later_last_day(start, years) == end


def test_a_statement_period_into_an_unknown_year_is_refused_with_the_year(office, winner):
    with (
        time_machine.travel(datetime(2026, 12, 24, 10, 0, tzinfo=BEIJING), tick=False),
        pytest.raises(ValidationError, match="2027"),
    ):
        open_fraud(office, winner, statement_working_days=10)
    assert not RevocationCase.objects.exists()


def test_a_ban_recorded_after_the_draft_was_started_stops_its_submission(
    office, june_2026, cycle, applicant
):
    from applications.services.dossiers import dossier_submit
    from tests.factories.applications import organisation_for, ready_dossier

    organisation = organisation_for(applicant)
    dossier = ready_dossier(applicant, cycle)
    ban_record(
        actor=office,
        kind="organisation",
        name=organisation.name,
        identifier=organisation.uscc,
        reason="在其他政府奖项中弄虚作假",
        reference="",
        starts_on=date(2026, 6, 2),
        ends_on=date(2029, 6, 1),
    )
    with pytest.raises(ValidationError, match="2029年6月1日"):
        dossier_submit(actor=applicant, dossier=dossier, pledge=True)
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.DRAFT


def test_a_revocation_cancels_the_reminders_of_the_reports_still_due(office, applicant, winner):
    """A revoked title owes no further prize-fund report: the open reports' clocks are
    cancelled in the revocation's own transaction, and its audit row says how many."""
    from award_portal.workdays.models import Deadline, DeadlineStatus
    from publicity.services.supervision import fund_schedule_set

    fund_schedule_set(
        actor=office,
        cycle=winner.cycle,
        interval_months=12,
        due_working_days=20,
        correction_working_days=10,
    )
    open_clocks = Deadline.objects.filter(kind="publicity.fund_report", status=DeadlineStatus.OPEN)
    mine = open_clocks.filter(subject_id__in=[str(r.pk) for r in winner.reports.all()])
    assert mine.count() > 0
    revoke_for_fraud(office, applicant, winner, number="二政字〔2026〕89号")
    assert mine.count() == 0
    decided = AuditEvent.objects.get(action="publicity.revocation_decided")
    assert decided.details["fund_reminders_cancelled"] > 0


def test_a_revocation_closes_the_winners_links_to_its_certificate(
    office, applicant, winner, client
):
    """The winner's "awarded" notification links the certificate, which a revoked title
    no longer gives the winner: the decision closes that link (the text stays), counted
    in its audit row; the office keeps its link to the certificate."""
    from django.urls import reverse

    from award_portal.notifications.models import Notification
    from award_portal.notifications.services import notify
    from tests.helpers import links_that_refuse

    url = reverse("publicity:certificate-pdf", args=[winner.pk])
    winners = Notification.objects.filter(user=applicant, url=url)
    assert winners.count() == 1
    title = winners.get().title
    office_note = notify(user=office, title="证书", url=url, email=False)
    case = revoke_for_fraud(office, applicant, winner, number="二政字〔2026〕88号")
    closed = winners.get()
    assert closed.link_closed_at is not None and (closed.title, closed.url) == (title, url)
    assert row("publicity.revocation_decided", case).details["links_closed"] == 1
    office_note.refresh_from_db()
    assert office_note.link_closed_at is None
    client.force_login(applicant)
    page = client.get(reverse("notifications:list")).content.decode()
    assert title in page and f'href="{url}"' not in page
    assert links_that_refuse(client, page) == []


def test_the_migration_closes_certificate_links_of_titles_revoked_before(office, applicant, winner):
    """An installation with a title revoked before links were closed with the decision:
    the data migration closes the winner's certificate link, not the office's."""
    from importlib import import_module

    from django.apps import apps
    from django.urls import reverse

    from award_portal.notifications.models import Notification
    from award_portal.notifications.services import notify

    migration = import_module("publicity.migrations.0005_close_certificate_links_of_revoked_titles")
    url = reverse("publicity:certificate-pdf", args=[winner.pk])
    office_note = notify(user=office, title="证书", url=url, email=False)
    migration.forward(apps, None)  # the title stands: nothing closes
    assert not Notification.objects.filter(link_closed_at__isnull=False).exists()
    Award.objects.filter(pk=winner.pk).update(revoked_on=date(2026, 6, 2))
    migration.forward(apps, None)
    assert Notification.objects.get(user=applicant, url=url).link_closed_at is not None
    office_note.refresh_from_db()
    assert office_note.link_closed_at is None
