"""Presentation and defence (陈述答辩): the office or the engaged agency books each
applicant's slot, overlaps are refused, the applicant is told and confirms once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification, OutboxMessage
from review.models import DefenceSlot, PanelDossier
from review.services.agencies import agency_account_create, agency_save
from review.services.defence import slot_confirm, slot_save
from review.services.panels import dossier_assign, member_answer, member_invite, panel_create
from tests.factories.applications import uscc
from tests.factories.review import expert_for
from tests.factories.review_followup import at_defence

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BEIJING = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime(2026, 6, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def world(office, cycle, applicant, org_dossier, person_user, person_dossier):
    return at_defence(office, cycle, applicant, org_dossier, more=[(person_user, person_dossier)])


def book(world, dossier=None, *, actor=None, start=None, minutes=30, room="第一会议室", link=""):
    return slot_save(
        actor=actor or world.staff,
        stage=world.stages["defence"],
        dossier=dossier or world.dossier,
        starts_at=start or at(18, 9),
        minutes=minutes,
        room=room,
        video_link=link,
    )


def review_page(dossier):
    return reverse("review:applicant-review", args=[dossier.pk])


def test_the_agency_books_and_the_applicant_is_told(world, applicant):
    slot = book(world)
    assert (slot.starts_at, slot.minutes, slot.room) == (at(18, 9), 30, "第一会议室")
    event = AuditEvent.objects.get(action=Action.SLOT_SAVED)
    assert (event.actor, event.target_id) == (world.staff, str(world.dossier.pk))
    told = Notification.objects.get(user=applicant, url=review_page(world.dossier))
    assert "2026年6月18日 09:00" in told.body and "第一会议室" in told.body
    assert OutboxMessage.objects.filter(to=[applicant.email], subject=told.title).exists()


def test_the_office_books_too_but_nobody_else(world, office, auditor):
    assert book(world, actor=office).scheduled_by == office
    other = agency_save(actor=office, data={"name": "另一评审机构有限公司", "uscc": uscc(9201)})
    outsider = agency_account_create(
        actor=office,
        agency=other,
        username="outsider",
        email="outsider@example.invalid",
        display_name="外机构",
    )
    for actor in (outsider, auditor, world.leader.user):
        with pytest.raises(PermissionDenied):
            book(world, world.dossiers[1], actor=actor)
    assert DefenceSlot.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "ok"),
    [
        (at(17, 8, 30), True),  # the stage's first day
        (at(23, 16), True),  # its last day
        (at(16, 16), False),
        (at(24, 9), False),
    ],
)
def test_the_slot_falls_within_the_stage(world, start, ok):
    if ok:
        assert book(world, start=start).starts_at == start
        return
    with pytest.raises(ValidationError, match="2026年6月17日"):
        book(world, start=start)
    assert not DefenceSlot.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"room": "", "link": ""}, "会议室"),
        ({"room": "", "link": "javascript:alert(1)"}, "网址"),
        ({"minutes": 4}, "480"),
        ({"minutes": 481}, "480"),
        ({"start": datetime(2026, 6, 1, 9, tzinfo=BEIJING)}, "2026年6月17日"),
    ],
)
def test_bad_input_is_refused_with_a_message(world, fields, message):
    with pytest.raises(ValidationError, match=message):
        book(world, **fields)
    assert not DefenceSlot.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.SLOT_SAVED).exists()


def test_a_video_link_alone_is_a_place(world):
    slot = book(world, room="", link="https://meeting.example.cn/j/123456")
    assert slot.video_link == "https://meeting.example.cn/j/123456" and slot.room == ""


def test_slots_of_one_panel_may_touch_but_not_overlap(world):
    first, second = world.dossiers
    book(world, first, start=at(18, 9), minutes=60)
    with pytest.raises(ValidationError, match=first.number):
        book(world, second, start=at(18, 9, 59), room="第二会议室")
    assert DefenceSlot.objects.count() == 1
    assert book(world, second, start=at(18, 10), room="第二会议室").starts_at == at(18, 10)


def test_two_panels_may_sit_at_once_in_two_rooms_but_not_in_one(world, office):
    first, second = world.dossiers
    stage = world.stages["defence"]
    panel = panel_create(actor=world.staff, stage=stage, name="答辩第二组")
    for index in range(3):
        expert = expert_for(world.staff, name=f"第二组专家{index}")
        member_invite(actor=world.staff, panel=panel, expert=expert, leader=index == 0)
        member_answer(actor=expert.user, member=panel.members.get(expert=expert), accept=True)
    on = PanelDossier.objects.get(stage=stage, dossier=second).panel  # moved, as the office does
    dossier_assign(actor=world.staff, stage=stage, dossier=second, panel=panel, from_panel=on)
    book(world, first, start=at(18, 9), minutes=60, room="第一会议室")
    with pytest.raises(ValidationError, match=first.number):
        book(world, second, start=at(18, 9, 30), room="第一会议室")
    slot = book(world, second, start=at(18, 9, 30), room="第二会议室")
    assert slot.room == "第二会议室"


def test_a_new_time_clears_the_confirmation_and_tells_again(world, applicant):
    slot = book(world)
    slot_confirm(actor=applicant, slot=slot)
    assert book(world) == slot  # the same values: nothing changes
    slot.refresh_from_db()
    assert slot.confirmed_at is not None
    assert AuditEvent.objects.filter(action=Action.SLOT_SAVED).count() == 1
    moved = book(world, start=at(22, 15))
    assert moved.confirmed_at is None and moved.confirmed_by is None
    event = AuditEvent.objects.filter(action=Action.SLOT_SAVED).order_by("id").last()
    assert event.details["confirmation_cleared"] is True
    told = Notification.objects.filter(user=applicant, url=review_page(world.dossier))
    assert told.count() == 2
    assert "2026年6月22日 15:00" in told.order_by("id").last().body


def test_confirming_twice_confirms_once_and_a_stale_page_is_refused(world, applicant):
    slot = book(world)
    opened = slot.updated_at
    moved = book(world, start=at(22, 9))  # the agency moves it while the page is open
    with pytest.raises(ValidationError, match="时间"):
        slot_confirm(actor=applicant, slot=moved, expected_updated_at=opened)
    moved.refresh_from_db()
    assert moved.confirmed_at is None
    slot_confirm(actor=applicant, slot=moved, expected_updated_at=moved.updated_at)
    slot_confirm(actor=applicant, slot=moved, expected_updated_at=moved.updated_at)
    events = AuditEvent.objects.filter(action=Action.SLOT_CONFIRMED)
    assert events.count() == 1
    assert (events.get().actor, events.get().target_id) == (applicant, str(world.dossier.pk))


def test_a_double_click_on_the_page_ends_in_one_confirmation(world, applicant, client):
    slot = book(world)
    client.force_login(applicant)
    url = reverse("review:slot-confirm", args=[slot.pk])
    token = {"updated_at": slot.updated_at.isoformat()}
    assert client.post(url, token).status_code == 302
    second = client.post(url, token, follow=True).content.decode()
    assert "您已确认陈述答辩安排" in second and "您打开页面后" not in second
    assert AuditEvent.objects.filter(action=Action.SLOT_CONFIRMED).count() == 1
    page = client.get(review_page(world.dossier)).content.decode()
    assert "于2026年6月2日确认" in page


def test_only_the_applicant_confirms(world, office, other_applicant, person_user, client):
    slot = book(world)
    url = reverse("review:slot-confirm", args=[slot.pk])
    for user in (office, other_applicant, person_user, world.staff, world.leader.user):
        client.force_login(user)
        assert client.post(url, {}).status_code == 404
    client.logout()
    assert client.post(url, {}).status_code == 302  # to log in
    slot.refresh_from_db()
    assert slot.confirmed_at is None
    assert client.get(url).status_code in (302, 405)


@pytest.fixture
def personas(world, office, auditor, working_group, applicant, other_applicant):
    other = agency_save(actor=office, data={"name": "另一评审机构有限公司", "uscc": uscc(9301)})
    return {
        "office": office,
        "auditor": auditor,
        "agency": world.staff,
        "other_agency": agency_account_create(
            actor=office,
            agency=other,
            username="other_agency",
            email="other_agency@example.invalid",
            display_name="另一机构职员",
        ),
        "leader": world.leader.user,
        "expert": world.experts[1].user,
        "working_group": working_group,
        "applicant": applicant,
        "other_applicant": other_applicant,
        "anonymous": None,
    }


SLOTS_STATUS = {
    "office": 200,
    "auditor": 200,
    "agency": 200,
    "other_agency": 404,
    "leader": 404,
    "expert": 404,
    "working_group": 404,
    "applicant": 404,
    "other_applicant": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("who", "status"), SLOTS_STATUS.items())
def test_the_slots_page_by_persona(world, personas, client, who, status):
    book(world, room="保密会议室甲")
    user = personas[who]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("review:slots", args=[world.stages["defence"].pk]))
    assert response.status_code == status
    body = response.content.decode()
    if status == 200:
        assert "保密会议室甲" in body and "no-store" in response["Cache-Control"]
        # the auditor reads; only the office and the agency book
        assert ('name="dossier"' in body) == (who in ("office", "agency"))
    else:
        assert "保密会议室甲" not in body and world.dossier.applicant_name not in body


def test_booking_through_the_page(world, client):
    stage = world.stages["defence"]
    url = reverse("review:slots", args=[stage.pk])
    client.force_login(world.staff)
    prefix = f"d{world.dossier.pk}"
    data = {
        "dossier": world.dossier.pk,
        f"{prefix}-starts_at": "2026-06-18T09:00",
        f"{prefix}-minutes": "45",
        f"{prefix}-room": "",
        f"{prefix}-video_link": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "会议室" in refused.content.decode()
    assert not DefenceSlot.objects.exists()
    data[f"{prefix}-room"] = "市场监管局三楼会议室"
    assert client.post(url, data).status_code == 302
    slot = DefenceSlot.objects.get()
    assert (slot.starts_at, slot.minutes) == (at(18, 9), 45)
    # an id of another round is not found
    assert client.post(url, {**data, "dossier": 10**17}).status_code == 404


@pytest.mark.parametrize(
    ("start", "minutes", "why"),
    [
        (at(18, 7, 30), 30, "办公时间"),  # before the office opens
        (at(18, 11, 45), 30, "办公时间"),  # runs into the lunch break
        (at(18, 17, 15), 30, "办公时间"),  # runs past closing time
        (at(18, 23, 50), 30, "办公时间"),  # ends the next day, "before" it starts
        (at(19, 9), 30, "不是工作日"),  # 端午节 2026
        (at(20, 9), 30, "不是工作日"),  # a Saturday
    ],
)
def test_a_slot_outside_office_hours_or_on_a_day_off_is_refused(world, start, minutes, why):
    with pytest.raises(ValidationError, match=why):
        book(world, start=start, minutes=minutes)
    assert not DefenceSlot.objects.exists()


def test_the_slot_page_says_why_in_chinese(world, client):
    client.force_login(world.staff)
    url = reverse("review:slots", args=[world.stages["defence"].pk])
    response = client.post(
        url,
        {
            f"d{world.dossier.pk}-starts_at": "2026-06-18 19:00",
            f"d{world.dossier.pk}-minutes": "60",
            f"d{world.dossier.pk}-room": "第一会议室",
            "dossier": world.dossier.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "办公时间" in response.content.decode()
    assert not DefenceSlot.objects.exists()
