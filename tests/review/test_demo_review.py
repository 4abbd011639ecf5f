"""``load_demo_review``: the round in expert review that ``make run`` shows."""

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from applications.enums import CycleState, DossierState
from applications.models import Cycle
from review.enums import AssignmentState, SheetState, StageState
from review.management.commands.load_demo_review import CYCLE_NAME
from review.models import AgencyStaff, Assignment, ConflictDeclaration, Expert
from tests.factories.review import criteria_sets

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def december(edition_2021):
    criteria_sets()
    moment = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        yield


def run(name) -> str:
    out = io.StringIO()
    call_command(name, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_demo_review_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        run("load_demo_review")
    assert not Cycle.objects.exists()


def test_the_demo_review_runs_twice_and_shows_every_state(settings, december):
    settings.DEBUG = True
    run("load_demo_data")
    run("load_demo_cycle")
    assert "专家评审" in run("load_demo_review")
    assignments = Assignment.objects.count()
    assert "already present" in run("load_demo_review")
    assert Assignment.objects.count() == assignments
    assert Cycle.objects.filter(name=CYCLE_NAME).count() == 1

    cycle = Cycle.objects.get(name=CYCLE_NAME)
    assert cycle.state == CycleState.EXPERT_REVIEW
    # the history happened before today, in order, inside the round's window
    assert cycle.announcement_date < cycle.application_deadline
    assert timezone.localdate(cycle.review_started_at) < timezone.localdate()
    for dossier in cycle.dossiers.all():
        assert dossier.state == DossierState.UNDER_REVIEW
        received = timezone.localdate(dossier.received_at)
        assert cycle.announcement_date <= received <= cycle.application_deadline
    agency = AgencyStaff.objects.get(user__username="agency").agency
    assert cycle.engagement.agency == agency
    experts = {e.user.username: e for e in Expert.objects.select_related("user", "agency")}
    assert set(experts) == {"expert1", "expert2", "expert3"}
    assert {e.agency for e in experts.values()} == {agency}
    plan = cycle.review_plan
    assert plan.is_frozen
    material = plan.stages.get(position=1)
    assert material.state == StageState.OPEN
    assert material.starts_on <= timezone.localdate() <= material.ends_on
    panel = material.panels.get()
    assert panel.leader == experts["expert1"]

    def states(username):
        return set(
            Assignment.objects.filter(expert=experts[username]).values_list("state", flat=True)
        )

    assert states("expert1") == {AssignmentState.OFFERED}
    assert AssignmentState.SCORING in states("expert2")
    draft = Assignment.objects.get(expert=experts["expert2"], state=AssignmentState.SCORING).sheet
    assert draft.state == SheetState.DRAFT and 0 < draft.items.count() < 23
    assert AssignmentState.RECUSED in states("expert3")
    recused = Assignment.objects.get(expert=experts["expert3"], state=AssignmentState.RECUSED)
    assert declared_a_conflict(recused)


def declared_a_conflict(assignment) -> bool:
    return ConflictDeclaration.objects.filter(
        expert=assignment.expert, dossier=assignment.dossier, has_conflict=True
    ).exists()


def test_make_run_loads_the_demo_review_after_the_demo_round():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    run_target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert run_target.index("load_demo_cycle") < run_target.index("load_demo_review")


@pytest.mark.django_db(transaction=True)  # the e-mails leave on commit, as in `make run`
def test_the_demo_review_needs_no_broker_and_prints_no_broker_warning(settings, december, caplog):
    """As ``make run`` runs it, with Celery not eager: the e-mails of the demo are
    delivered (to a backend that drops them) in the command's own process, so nothing is
    sent to a broker and kombu has nothing to warn about."""
    from award_portal.celery import app
    from award_portal.notifications.models import OutboxMessage, OutboxStatus

    settings.DEBUG = True
    run("load_demo_data")
    run("load_demo_cycle")
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    caplog.clear()  # the other demo commands are not this test's concern
    try:
        with caplog.at_level("WARNING"):
            run("load_demo_review")
    finally:
        app.conf.task_always_eager = eager
    assert app.conf.task_always_eager == eager  # put back as it was
    assert not [r for r in caplog.records if r.name.startswith("kombu")]
    new = OutboxMessage.objects.exclude(pk__in=before)
    assert new.exists()
    assert set(new.values_list("status", flat=True)) == {OutboxStatus.SENT}
