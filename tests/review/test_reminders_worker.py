"""The review sweep run by a real Celery worker process: sent twice, it reminds once."""

import time

import pytest

from award_portal.notifications.models import Notification
from award_portal.workdays.models import ReminderSent
from review.services.panels import member_invite, panel_create
from review.tasks import review_reminders_sweep_task
from tests.factories.review_followup import start
from tests.helpers import celery_worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_worker_reminds_an_unanswered_invitation_once(office, cycle, applicant, org_dossier):
    world = start(office, cycle, applicant, org_dossier)
    panel = panel_create(actor=world.staff, stage=world.stages["material"], name="第一组")
    silent = world.experts[0]
    member_invite(actor=world.staff, panel=panel, expert=silent)  # on 2026-06-02
    before = Notification.objects.filter(user=silent.user).count()
    with celery_worker() as worker:
        review_reminders_sweep_task.apply_async(args=["2026-06-04"], queue=worker.queue)
        review_reminders_sweep_task.apply_async(args=["2026-06-04"], queue=worker.queue)  # a retry
        wait_until(ReminderSent.objects.exists)
        time.sleep(3)  # give the second task time to (not) add a duplicate
    assert (
        ReminderSent.objects.filter(user=silent.user, key__startswith="review.invite:").count() == 1
    )
    assert Notification.objects.filter(user=silent.user).count() == before + 1
