"""The browser walk's findings about leaders and notices: a leader recused from a dossier
hands it to an acting leader (the next member, or one the office names) and sees nothing
of it anywhere; the "all sheets are in" notice goes only to the member who leads the
dossier and only when the result can be confirmed; a leader who has not declared yet
does not open the result page; every link a notice carries opens for its recipient."""

import pytest
from django.urls import reverse

from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification, OutboxMessage
from review.models import PanelDossier
from review.services.panels import acting_leader, acting_leader_set, panels_led
from tests.factories.scoring import confirm, fill, running_stage

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def result_url(running, dossier=None):
    dossier = dossier or running.dossiers[0]
    return reverse("review:result", args=[running.stage.pk, dossier.pk])


def mentions(user, number, *, after=0, after_mail=0) -> list[str]:
    """What the user was told about the dossier (in the portal and by e-mail)."""
    found = [
        f"{n.title} {n.body} {n.url}"
        for n in Notification.objects.filter(user=user, pk__gt=after)
        if number in f"{n.title} {n.body}"
    ]
    found += [
        m.subject
        for m in OutboxMessage.objects.filter(pk__gt=after_mail)
        if user.email in m.to and number in f"{m.subject} {m.body}"
    ]
    return found


@pytest.fixture
def recused_leader(office, cycle, applicant, org_dossier):
    """The panel's leader declared a conflict with the only dossier; three members
    declared none."""
    return running_stage(office, cycle, [org_dossier], [applicant], conflicted_leads=True)


def test_the_next_member_acts_for_a_recused_leader_and_confirms_the_result(client, recused_leader):
    running = recused_leader
    dossier = running.dossiers[0]
    first = running.members[0]
    assert acting_leader(running.panel, dossier) == first
    seen = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    for expert in running.members:
        fill(running.assignment(expert), 60)
    # the acting leader is told the sheets are in, with a link that opens for him
    told = Notification.objects.filter(
        user=first.user, pk__gt=seen, title__contains="评分表已全部提交"
    )
    assert told.count() == 1
    client.force_login(first.user)
    assert client.get(told.get().url).status_code == 200
    home = client.get(reverse("review:expert-home")).content.decode()
    assert result_url(running) in home
    # he confirms the panel's result
    result = confirm(_with_leader(running, first))
    assert result.confirmed_by == first


def _with_leader(running, expert):
    from dataclasses import replace

    return replace(running, leader=expert)


def test_a_recused_leader_sees_nothing_of_the_dossier_anywhere(client, recused_leader):
    running = recused_leader
    dossier = running.dossiers[0]
    leader = running.leader
    seen = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    mails = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for expert in running.members:
        fill(running.assignment(expert), 60)
    confirm(_with_leader(running, running.members[0]))
    # no notice, no e-mail about the dossier since the declaration
    assert mentions(leader.user, dossier.number, after=seen, after_mail=mails) == []
    assert not [m for m in OutboxMessage.objects.filter(pk__gt=mails) if leader.user.email in m.to]
    # no page, no list, no count
    client.force_login(leader.user)
    assert client.get(result_url(running)).status_code == 404
    home = client.get(reverse("review:expert-home")).content.decode()
    assert dossier.number not in home
    assert all(not panel.dossier_rows for panel in panels_led(leader))


def test_the_office_names_the_acting_leader(client, office, recused_leader):
    running = recused_leader
    dossier = running.dossiers[0]
    first, second, _third = running.members
    item = PanelDossier.objects.get(stage=running.stage, dossier=dossier)
    client.force_login(office)
    page = client.get(reverse("review:panel-detail", args=[running.panel.pk]))
    text = page.content.decode()
    assert "组长已回避" in text and first.name in text
    response = client.post(
        reverse("review:panel-detail", args=[running.panel.pk]),
        {"action": "acting_leader", "item": item.pk, "expert": second.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert acting_leader(running.panel, dossier) == second
    event = AuditEvent.objects.get(action="review.acting_leader_named")
    assert event.actor == office and event.target_id == str(dossier.pk)
    assert event.details["expert"] == second.pk
    told = Notification.objects.filter(user=second.user).order_by("-pk").first()
    client.force_login(second.user)
    assert client.get(told.url).status_code == 200
    # the first member no longer leads it; the second does
    client.force_login(first.user)
    assert client.get(result_url(running)).status_code == 404
    client.force_login(second.user)
    assert client.get(result_url(running)).status_code == 200


def test_naming_the_recused_leader_or_an_outsider_is_refused(office, recused_leader):
    from django.core.exceptions import ValidationError

    running = recused_leader
    item = PanelDossier.objects.get(stage=running.stage, dossier=running.dossiers[0])
    for expert in (running.leader, running.outsider):
        with pytest.raises(ValidationError):
            acting_leader_set(actor=office, item=item, expert=expert)
    assert PanelDossier.objects.get(pk=item.pk).acting_leader is None
    assert not AuditEvent.objects.filter(action="review.acting_leader_named").exists()


def test_no_all_sheets_in_notice_while_the_result_cannot_be_confirmed(
    office, cycle, applicant, org_dossier
):
    """Three members, a plan asking for four sheets: the sheets are all in, but the
    result cannot be confirmed, so the leader is not told it can."""
    running = running_stage(
        office, cycle, [org_dossier], [applicant], conflicted=False, min_panel_size=4
    )
    for expert in running.members:
        fill(running.assignment(expert), 60)
    assert not Notification.objects.filter(
        user=running.leader.user, title__contains="评分表已全部提交"
    ).exists()


def test_a_leader_who_has_not_declared_is_sent_to_declare(
    client, office, cycle, applicant, org_dossier
):
    from review.enums import AssignmentState
    from review.models import Assignment

    running = running_stage(office, cycle, [org_dossier], [applicant], conflicted=False)
    # put the leader's assignment back before the declaration (as for a late joiner)
    Assignment.objects.filter(pk=running.assignment(running.leader).pk).update(
        state=AssignmentState.OFFERED
    )
    client.force_login(running.leader.user)
    response = client.get(result_url(running), follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:expert-home")
    text = response.content.decode()
    assert "请先申报" in text
    assert result_url(running) not in text  # listed without a link


def test_a_leader_who_stops_leading_a_dossier_is_no_longer_offered_its_result(
    client, office, recused_leader
):
    """The first member acting for the recused leader was told the sheets are in, with a
    link to the result. Once the office names another member, that link is withdrawn
    (the text stays) instead of leading to a page that no longer opens for him."""
    running = recused_leader
    dossier = running.dossiers[0]
    first, second, _third = running.members
    for expert in running.members:
        fill(running.assignment(expert), 60)
    told = Notification.objects.get(user=first.user, title__contains="评分表已全部提交")
    assert told.url == result_url(running) and told.link_closed_at is None
    item = PanelDossier.objects.get(stage=running.stage, dossier=dossier)
    acting_leader_set(actor=office, item=item, expert=second)
    told.refresh_from_db()
    assert told.link_closed_at is not None and told.url == result_url(running)
    event = AuditEvent.objects.get(action="review.acting_leader_named")
    assert event.details["links_closed"] == 1
    client.force_login(first.user)
    inbox = client.get(reverse("notifications:list")).content.decode()
    assert "该页面已不再向您开放" in inbox and f'href="{result_url(running)}"' not in inbox
    assert client.get(result_url(running)).status_code == 404


def test_an_expert_recused_by_the_office_is_no_longer_offered_the_sheet(
    client, office, recused_leader
):
    """A member told that his sheet is due is recused later (the office confirms a
    likely conflict): the notice's link to the sheet is withdrawn with the grant, and
    the sheet no longer opens for him."""
    from review.models import ConflictFlag
    from review.services.conflicts import flag_resolve

    running = recused_leader
    member = running.members[2]
    assignment = running.assignment(member)
    sheet = reverse("review:sheet", args=[assignment.pk])
    due = Notification.objects.create(user=member.user, title="评分表待填写", url=sheet)
    other = Notification.objects.create(user=running.members[1].user, title="x", url=sheet)
    client.force_login(member.user)
    assert client.get(sheet).status_code == 200
    flag = ConflictFlag.objects.create(
        expert=member, dossier=assignment.dossier, source="former_employer", detail="曾任职"
    )
    flag_resolve(actor=office, flag=flag, confirmed=True, reason="经核实，该专家曾在申报单位任职。")
    due.refresh_from_db()
    other.refresh_from_db()
    assert due.link_closed_at is not None and other.link_closed_at is None  # his alone
    event = AuditEvent.objects.filter(action="review.recused").order_by("-pk").first()
    assert event.details["links_closed"] == 1
    assert client.get(sheet).status_code == 404
