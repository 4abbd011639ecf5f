"""The review's reminder sweep: unanswered invitations, sheets due and overdue, defence
slots to book and to confirm, visits to schedule; each reminder once."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from award_portal.notifications.models import Notification
from award_portal.workdays.models import ReminderSent
from review.models import Assignment
from review.services.defence import slot_confirm, slot_save
from review.services.panels import member_invite, panel_create
from review.services.reminders import review_reminders_sweep
from review.services.scoring import criteria_of, sheet_save, sheet_submit
from review.tasks import review_reminders_sweep_task
from tests.factories.review_followup import at_defence, at_onsite, declare, form_panel, start

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def sweep(day):
    return review_reminders_sweep(today=day)


@pytest.fixture
def world(office, cycle, applicant, org_dossier):
    return start(office, cycle, applicant, org_dossier)


def test_an_unanswered_invitation_reminds_the_expert_then_tells_the_agency(world):
    stage = world.stages["material"]
    panel = panel_create(actor=world.staff, stage=stage, name="第一组")
    silent = world.experts[0]
    member_invite(actor=world.staff, panel=panel, expert=silent)  # 2026-06-02
    assert settings.PORTAL_REVIEW_INVITATION_WD == 2
    assert sweep(date(2026, 6, 3)).invitations == 0  # one working day
    assert sweep(date(2026, 6, 4)).invitations == 1  # two
    again = sweep(date(2026, 6, 4))
    assert (again.invitations, again.invitations_escalated) == (0, 0)
    assert sweep(date(2026, 6, 5)).invitations_escalated == 0  # three
    later = sweep(date(2026, 6, 8))  # four: twice the wait
    assert (later.invitations, later.invitations_escalated) == (0, 1)
    assert sweep(date(2026, 6, 8)).invitations_escalated == 0
    reminded = Notification.objects.filter(user=silent.user, title__contains=panel.name)
    assert reminded.filter(title__startswith="请").count() == 1
    told = Notification.objects.get(user=world.staff, title__contains=silent.name)
    assert told.url == reverse("review:panels", args=[world.cycle.pk])


def test_sheets_are_reminded_before_the_end_and_flagged_after(world, office):
    form_panel(world, "material")
    declare(world, "material")
    stage = world.stages["material"]  # ends on Tuesday 2026-06-09
    done = Assignment.objects.get(stage=stage, expert=world.experts[0])
    categories, items = criteria_of(stage, world.dossier)
    sheet_save(
        actor=done.expert.user,
        assignment=done,
        percents={i.pk: 50 for i in items},
        comments={c.pk: ("优势", "改进") for c in categories},
    )
    sheet_submit(actor=done.expert.user, assignment=done)
    assert sweep(date(2026, 6, 4)).sheets_due == 0  # three working days left
    assert sweep(date(2026, 6, 5)).sheets_due == 2  # two left: the two still scoring
    assert sweep(date(2026, 6, 8)).sheets_due == 0  # told already
    late = sweep(date(2026, 6, 10))
    assert (late.sheets_overdue, late.overdue_flags) == (2, 2)  # the experts; office + agency
    again = sweep(date(2026, 6, 11))
    assert (again.sheets_overdue, again.overdue_flags) == (0, 0)
    flag = Notification.objects.get(user=office, url=reverse("review:board", args=[world.cycle.pk]))
    assert world.experts[1].name in flag.body and world.experts[2].name in flag.body
    assert world.experts[0].name not in flag.body
    assert not Notification.objects.filter(
        user=world.experts[0].user, title__contains=world.dossier.number, body__contains="24时"
    ).exists()


@pytest.fixture
def defence(office, cycle, applicant, org_dossier):
    return at_defence(office, cycle, applicant, org_dossier)


def book(world, hour=9):
    return slot_save(
        actor=world.staff,
        stage=world.stages["defence"],
        dossier=world.dossier,
        starts_at=datetime(2026, 6, 18, hour, tzinfo=ZoneInfo("Asia/Shanghai")),
        minutes=30,
        room="第一会议室",
    )


def test_the_agency_is_told_to_book_the_slots_once(defence):
    result = sweep(date(2026, 6, 3))
    assert result.slots_to_book == 1
    assert sweep(date(2026, 6, 4)).slots_to_book == 0
    told = Notification.objects.get(user=defence.staff, url__endswith="/slots/")
    assert told.url == reverse("review:slots", args=[defence.stages["defence"].pk])


def test_an_unconfirmed_slot_reminds_the_applicant_then_flags_it(defence, applicant, office):
    book(defence)  # Thursday 2026-06-18 (the Friday is the Dragon Boat Festival)
    assert sweep(date(2026, 6, 15)).slots_unconfirmed == 0  # three working days before
    assert sweep(date(2026, 6, 16)).slots_unconfirmed == 1  # two
    eve = sweep(date(2026, 6, 17))
    assert (eve.slots_unconfirmed, eve.slots_escalated) == (0, 2)  # agency + office
    assert sweep(date(2026, 6, 17)).slots_escalated == 0
    page = reverse("review:applicant-review", args=[defence.dossier.pk])
    assert (
        Notification.objects.filter(user=applicant, url=page, title__contains="确认").count() == 1
    )
    assert Notification.objects.filter(user=office, title__contains=defence.dossier.number).exists()


def test_a_confirmed_slot_is_not_reminded(defence, applicant):
    slot = book(defence)
    slot_confirm(actor=applicant, slot=slot)
    for day in (date(2026, 6, 16), date(2026, 6, 17)):
        result = sweep(day)
        assert (result.slots_unconfirmed, result.slots_escalated) == (0, 0)


def test_the_leader_is_told_to_schedule_the_visit(office, cycle, applicant, org_dossier):
    world = at_onsite(office, cycle, applicant, org_dossier)
    assert sweep(date(2026, 6, 10)).visits_to_schedule == 1
    assert sweep(date(2026, 6, 11)).visits_to_schedule == 0
    told = Notification.objects.get(
        user=world.leader.user, url=reverse("review:visits", args=[world.stages["onsite"].pk])
    )
    assert world.dossier.number in told.title
    assert ReminderSent.objects.filter(key__startswith="review.visit:").count() == 1


def test_the_task_runs_the_sweep_for_a_given_day(world):
    panel = panel_create(actor=world.staff, stage=world.stages["material"], name="第一组")
    member_invite(actor=world.staff, panel=panel, expert=world.experts[1])
    assert review_reminders_sweep_task("2026-06-04")["invitations"] == 1
    assert review_reminders_sweep_task("2026-06-04")["invitations"] == 0


def test_beat_runs_the_review_sweep_by_name_and_the_core_does_not_import_the_review():
    entry = settings.CELERY_BEAT_SCHEDULE["review-reminders-sweep"]
    assert entry["task"] == review_reminders_sweep_task.name == "review.reminders_sweep"
    source = (Path(settings.BASE_DIR) / "award_portal" / "settings.py").read_text()
    assert "import review" not in source and "from review" not in source
