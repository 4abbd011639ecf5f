"""The office's review board and the closing of a stage: the ranking per kind with stage
scores, composite, dispersion and progress; who advances; the end of the review."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.enums import DossierState
from applications.models import Dossier
from award_portal.audit.models import AuditEvent
from review.enums import StageState
from review.models import ReviewStage, StageResult
from review.selectors import review_board
from review.services.scoring import stage_close_preview
from tests.factories.scoring import confirm, fill, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ONE_STAGE = [
    {
        "kind": "material",
        "starts_on": date(2026, 6, 3),
        "ends_on": date(2026, 6, 9),
        "aggregation": "mean",
        "weight": 100,
    }
]
TWO_STAGES = [
    {**ONE_STAGE[0], "weight": 40, "advance_rule": "top_n", "advance_n": 1},
    {
        "kind": "defence",
        "starts_on": date(2026, 6, 10),
        "ends_on": date(2026, 6, 16),
        "aggregation": "mean",
        "weight": 60,
    },
]


@pytest.fixture
def two_dossiers(office, cycle, applicant, org_dossier):
    from tests.factories import ApplicantFactory
    from tests.factories.applications import organisation_for, ready_dossier

    second = ApplicantFactory(username="org_b")
    organisation_for(second)
    return [org_dossier, ready_dossier(second, cycle)], [applicant, second]


def board_url(running):
    return reverse("review:board", args=[running.cycle.pk])


def test_the_board_shows_progress_and_the_open_stages_dispersion(
    client, office, cycle, two_dossiers
):
    dossiers, applicants = two_dossiers
    running = running_stage(office, cycle, dossiers, applicants, stages=ONE_STAGE)
    first, second = running.dossiers
    leader, member, _third = running.members
    fill(running.assignment(leader, first), 60)
    fill(running.assignment(member, first), 20)  # differs by 40 > 30 on every item
    client.force_login(office)
    response = client.get(board_url(running))
    assert response.status_code == 200
    rows = {row.dossier.pk: row for row in response.context["board"].kinds["organisation"]}
    assert (rows[first.pk].submitted, rows[first.pk].due) == (2, 3)
    assert rows[first.pk].dispersed_open is True
    assert rows[second.pk].dispersed is False
    assert rows[first.pk].panel == "第一评审组"
    text = response.content.decode()
    assert "2 / 3" not in text  # progress is words, not a fraction that reads as a score
    assert first.number in text and second.number in text


def test_overdue_sheets_are_counted_after_the_stages_last_day(
    office, cycle, applicant, org_dossier
):
    running = running_stage(office, cycle, [org_dossier], [applicant], stages=ONE_STAGE)
    fill(running.assignment(running.leader), 60)
    on_time = review_board(running.cycle, today=date(2026, 6, 9))
    late = review_board(running.cycle, today=date(2026, 6, 10))
    assert on_time.kinds["organisation"][0].overdue == 0
    assert late.kinds["organisation"][0].overdue == 2


def test_closing_the_last_stage_concludes_the_review(client, office, cycle, two_dossiers):
    dossiers, applicants = two_dossiers
    running = running_stage(office, cycle, dossiers, applicants, stages=ONE_STAGE)
    first, second = running.dossiers
    for dossier, percent in ((first, 70), (second, 50)):
        for expert in running.members:
            fill(running.assignment(expert, dossier), percent)
        confirm(running, dossier)
    url = reverse("review:stage-close", args=[running.stage.pk])
    client.force_login(office)
    response = client.get(url)
    assert response.status_code == 200
    assert "最后" in response.content.decode() or "last stage" in response.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    stage = ReviewStage.objects.get(pk=running.stage.pk)
    assert stage.state == StageState.CLOSED
    assert set(
        Dossier.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    ) == {DossierState.REVIEWED}
    event = AuditEvent.objects.get(action="review.stage_closed")
    assert event.actor == office
    response = client.get(board_url(running))
    board = response.context["board"]
    assert board.review_done
    rows = board.kinds["organisation"]
    assert [r.dossier.pk for r in rows] == [first.pk, second.pk]
    assert [r.rank for r in rows] == [1, 2]
    assert rows[0].composite == Decimal("70.00")
    assert (
        "可以进入公布评审结果" in response.content.decode()
        or "publishing the results" in response.content.decode()
    )

    # once the round has moved on, its dossiers stay on the board with their scores and
    # nothing offers to publish the results again
    Dossier.objects.filter(pk=first.pk).update(state=DossierState.AWARDED)
    Dossier.objects.filter(pk=second.pk).update(state=DossierState.NOT_SHORTLISTED)
    type(cycle).objects.filter(pk=cycle.pk).update(state="awarded")
    response = client.get(board_url(running))
    rows = response.context["board"].kinds["organisation"]
    assert [(r.dossier.pk, r.rank, r.composite) for r in rows] == [
        (first.pk, 1, Decimal("70.00")),
        (second.pk, 2, Decimal("50.00")),
    ]
    assert "可以进入公布评审结果" not in response.content.decode()
    assert reverse("publicity:notice", args=[cycle.pk]) not in response.content.decode()


def test_the_close_page_lists_who_advances_and_what_is_missing(client, office, cycle, two_dossiers):
    dossiers, applicants = two_dossiers
    running = running_stage(office, cycle, dossiers, applicants, stages=TWO_STAGES)
    first, second = running.dossiers
    url = reverse("review:stage-close", args=[running.stage.pk])
    client.force_login(office)
    response = client.get(url)
    assert response.context["preview"].problem  # no result yet
    assert response.context["preview"].kinds == {}
    response = client.post(url)
    assert response.status_code == 200
    assert ReviewStage.objects.get(pk=running.stage.pk).state == StageState.OPEN
    for dossier, percent in ((first, 50), (second, 75)):
        for expert in running.members:
            fill(running.assignment(expert, dossier), percent)
        confirm(running, dossier)
    preview = stage_close_preview(ReviewStage.objects.get(pk=running.stage.pk))
    assert preview.problem is None
    assert [(r.dossier_id, advances) for r, advances in preview.kinds["organisation"]] == [
        (second.pk, True),
        (first.pk, False),
    ]
    response = client.post(url)
    assert response.status_code == 302
    # the preview said what closing did
    assert StageResult.objects.get(dossier=second).advanced is True
    assert StageResult.objects.get(dossier=first).advanced is False
    assert Dossier.objects.get(pk=first.pk).state == DossierState.REVIEWED
    assert Dossier.objects.get(pk=second.pk).state == DossierState.UNDER_REVIEW
    board = client.get(board_url(running)).context["board"]
    rows = {r.dossier.pk: r for r in board.kinds["organisation"]}
    assert rows[first.pk].stopped_after.pk == running.stage.pk
    assert rows[first.pk].cells[1].not_reached is True
    assert not board.review_done
    assert board.open_stage.kind == "defence"


def test_equal_scores_share_a_rank(office, cycle, two_dossiers):
    dossiers, applicants = two_dossiers
    running = running_stage(office, cycle, dossiers, applicants, stages=ONE_STAGE)
    for dossier in running.dossiers:
        for expert in running.members:
            fill(running.assignment(expert, dossier), 60)
        confirm(running, dossier)
    rows = review_board(running.cycle).kinds["organisation"]
    assert [r.rank for r in rows] == [1, 1]
    assert [r.dossier.number for r in rows] == sorted(d.number for d in running.dossiers)


def test_the_office_sees_on_the_board_an_applicant_barred_during_the_review(
    client, office, auditor, cycle, two_dossiers, june_2026
):
    """A ban recorded while the dossier is in expert review (Art. 12(4), 28): the
    experts score on, but the office reads on the board that it cannot be on the
    candidate list; the auditor's and the agency's boards do not carry it."""
    from applications.services.bans import ban_record

    dossiers, applicants = two_dossiers
    running = running_stage(office, cycle, dossiers, applicants, stages=ONE_STAGE)
    barred, clean = running.dossiers
    ban_record(
        actor=office,
        kind="organisation",
        name=barred.applicant_name,
        identifier=barred.organisation.uscc,
        reason="在2025年自治区质量奖申报中提供虚假材料",
        reference="内质奖〔2026〕9号",
        starts_on=date(2026, 6, 1),
        ends_on=date(2031, 5, 31),
    )
    client.force_login(office)
    text = client.get(board_url(running)).content.decode()
    notice = "禁止申报期至2031年5月31日止，不得列入审议候选名单"
    assert text.count(notice) == 1
    row = text.split(barred.number)[1].split("</tr>")[0]
    assert notice in row and notice not in text.split(clean.number)[1].split("</tr>")[0]
    for reader in (auditor, running.staff):
        client.force_login(reader)
        assert notice not in client.get(board_url(running)).content.decode()
