"""On-site review (Art. 18): the panel leader schedules the visit, the applicant is told,
the leader and the team record findings with attachments; who may see what."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification, OutboxMessage
from review.models import OnsiteFinding, OnsiteVisit
from review.services.onsite import finding_record, items_to_choose, visit_save
from review.services.plans import stage_close
from tests.factories.applications import pdf_bytes
from tests.factories.review import expert_for
from tests.factories.review_followup import at_onsite, score_and_confirm

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PLACE = "二连浩特市口岸物流园区综合楼三层会议室"


@pytest.fixture
def world(office, cycle, applicant, org_dossier):
    return at_onsite(office, cycle, applicant, org_dossier)


def review_page(world):
    return reverse("review:applicant-review", args=[world.dossier.pk])


def schedule(world, *, actor=None, on=date(2026, 6, 12), place=PLACE, team=None, items=None):
    stage = world.stages["onsite"]
    return visit_save(
        actor=actor or world.leader.user,
        stage=stage,
        dossier=world.dossier,
        visit_date=on,
        place=place,
        team=team if team is not None else world.experts[:2],
        items=items if items is not None else items_to_choose(stage, world.dossier)[:3],
    )


def test_the_leader_schedules_and_the_applicant_and_team_are_told(world, applicant):
    visit = schedule(world)
    assert visit.visit_date == date(2026, 6, 12) and visit.place == PLACE
    assert set(visit.team.all()) == set(world.experts[:2])
    assert visit.items_to_verify.count() == 3
    event = AuditEvent.objects.get(action=Action.VISIT_SAVED)
    assert (event.actor, event.target_id) == (world.leader.user, str(world.dossier.pk))
    told = Notification.objects.get(user=applicant, url=review_page(world))
    assert "2026年6月12日" in told.body and PLACE in told.body
    assert OutboxMessage.objects.filter(to=[applicant.email], subject=told.title).exists()
    # the team member (not the leader, who scheduled it) is told too
    visit_page = reverse("review:visit", args=[visit.stage_id, world.dossier.pk])
    assert Notification.objects.filter(user=world.experts[1].user, url=visit_page).exists()
    assert not Notification.objects.filter(user=world.leader.user, url=visit_page).exists()


@pytest.mark.parametrize(
    ("on", "ok"),
    [
        (date(2026, 6, 10), True),  # the stage's first day
        (date(2026, 6, 16), True),  # its last day
        (date(2026, 6, 9), False),
        (date(2026, 6, 17), False),
    ],
)
def test_the_visit_falls_within_the_stage(world, on, ok):
    if ok:
        assert schedule(world, on=on).visit_date == on
        return
    with pytest.raises(ValidationError, match="现场评审"):
        schedule(world, on=on)
    assert not OnsiteVisit.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.VISIT_SAVED).exists()


def test_the_team_comes_from_the_panel_without_the_recused(world):
    for team in ([world.conflicted], [expert_for(world.staff)], []):
        with pytest.raises(ValidationError):
            schedule(world, team=team)
    with pytest.raises(ValidationError):
        schedule(world, items=[])
    assert not OnsiteVisit.objects.exists()


@pytest.mark.parametrize("who", ["member", "office", "conflicted", "staff"])
def test_only_the_leader_schedules(world, office, who):
    actor = {
        "member": world.experts[1].user,
        "office": office,
        "conflicted": world.conflicted.user,
        "staff": world.staff,
    }[who]
    with pytest.raises(PermissionDenied):
        schedule(world, actor=actor)
    assert not OnsiteVisit.objects.exists()


def test_moving_the_visit_tells_the_applicant_again_and_a_same_save_does_not(world, applicant):
    schedule(world)
    schedule(world)  # the same date and place: nothing new to tell
    told = Notification.objects.filter(user=applicant, url=review_page(world))
    assert told.count() == 1
    schedule(world, on=date(2026, 6, 15))
    assert told.count() == 2
    assert "2026年6月15日" in told.order_by("id").last().body
    assert OnsiteVisit.objects.get().visit_date == date(2026, 6, 15)


def test_a_team_member_records_a_finding_with_an_attachment(world):
    visit = schedule(world)
    item = visit.items_to_verify.first()
    content = pdf_bytes()
    finding = finding_record(
        actor=world.experts[1].user,
        visit=visit,
        criterion=item,
        status="new_evidence",
        note="现场查看了近三年顾客满意度测评原始记录",
        upload=SimpleUploadedFile("满意度记录.pdf", content, content_type="application/pdf"),
    )
    assert finding.attachment_sha256 == hashlib.sha256(content).hexdigest()
    assert finding.attachment_content_type == "application/pdf"
    stored = Path(finding.attachment.path)
    assert stored.is_relative_to(settings.PRIVATE_STORAGE_ROOT)
    assert stored.read_bytes() == content
    assert "满意度" not in stored.name  # the stored name never comes from the user
    event = AuditEvent.objects.get(action=Action.FINDING_RECORDED)
    assert (event.actor, event.target_id) == (world.experts[1].user, str(world.dossier.pk))
    assert event.details["item"] == item.code


def test_a_finding_is_refused_for_a_disguised_file_another_item_or_an_outsider(world):
    visit = schedule(world)
    item = visit.items_to_verify.first()
    outside = next(
        i
        for i in items_to_choose(visit.stage, world.dossier)
        if i not in visit.items_to_verify.all()
    )
    bad = SimpleUploadedFile("photo.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match=r"photo\.pdf"):
        finding_record(
            actor=world.leader.user,
            visit=visit,
            criterion=item,
            status="verified",
            note="核实",
            upload=bad,
        )
    with pytest.raises(ValidationError):
        finding_record(
            actor=world.leader.user, visit=visit, criterion=outside, status="verified", note="核实"
        )
    # the third member is on the panel but not on the team
    for actor in (world.experts[2].user, world.conflicted.user):
        with pytest.raises(PermissionDenied):
            finding_record(actor=actor, visit=visit, criterion=item, status="verified", note="核实")
    assert not OnsiteFinding.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.FINDING_RECORDED).exists()


def test_the_leader_loses_the_visit_when_the_stage_closes(world, office, client):
    visit = schedule(world)
    score_and_confirm(world, "onsite")
    # a planned visit without a record of its findings keeps the stage open
    with pytest.raises(ValidationError, match="尚未记录核查情况"):
        stage_close(actor=office, stage=world.stages["onsite"])
    assert (
        world.stages["onsite"].__class__.objects.get(pk=world.stages["onsite"].pk).state == "open"
    )
    finding_record(
        actor=world.leader.user,
        visit=visit,
        criterion=visit.items_to_verify.first(),
        status="verified",
        note="现场核实",
    )
    stage_close(actor=office, stage=world.stages["onsite"])
    client.force_login(world.leader.user)
    url = reverse("review:visit", args=[visit.stage_id, world.dossier.pk])
    assert client.get(url).status_code == 404
    client.force_login(office)
    assert client.get(url).status_code == 200


# --- the pages through the browser's door ---------------------------------------------------------
def test_the_leader_schedules_through_the_page(world, client, applicant):
    stage = world.stages["onsite"]
    url = reverse("review:visit", args=[stage.pk, world.dossier.pk])
    client.force_login(world.leader.user)
    page = client.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    items = items_to_choose(stage, world.dossier)
    data = {
        "action": "schedule",
        "visit_date": "2026-06-18",  # after the stage
        "place": PLACE,
        "team": [world.experts[0].pk, world.experts[1].pk],
        "items": [items[0].pk, items[5].pk],
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "2026年6月10日" in refused.content.decode()
    assert not OnsiteVisit.objects.exists()
    data["visit_date"] = "2026-06-11"
    assert client.post(url, data).status_code == 302
    visit = OnsiteVisit.objects.get()
    assert visit.visit_date == date(2026, 6, 11)
    assert {i.pk for i in visit.items_to_verify.all()} == {items[0].pk, items[5].pk}
    # a tampered team member (the conflicted expert) is refused by the form
    data["team"] = [world.conflicted.pk]
    client.post(url, {**data, "updated_at": visit.updated_at.isoformat()})
    assert set(OnsiteVisit.objects.get().team.all()) == set(world.experts[:2])


def test_a_finding_with_its_file_through_the_page_and_the_checked_download(world, client, office):
    visit = schedule(world)
    item = visit.items_to_verify.first()
    url = reverse("review:visit", args=[visit.stage_id, world.dossier.pk])
    client.force_login(world.experts[1].user)
    response = client.post(
        url,
        {
            "action": "finding",
            "criterion": item.pk,
            "status": "verified",
            "note": "管理制度文件与申报材料一致",
            "attachment": SimpleUploadedFile("制度.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    finding = OnsiteFinding.objects.get()
    download = reverse("review:finding-attachment", args=[finding.pk])
    client.force_login(office)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes()
    event = AuditEvent.objects.filter(action=Action.FILE_DOWNLOADED).get()
    assert (event.actor, event.details["onsite_finding"]) == (office, finding.pk)


@pytest.fixture
def personas(world, office, auditor, working_group, applicant, other_applicant):
    from review.services.agencies import agency_account_create, agency_save
    from tests.factories.applications import uscc

    other_agency = agency_save(
        actor=office, data={"name": "另一评审机构有限公司", "uscc": uscc(9101)}
    )
    return {
        "office": office,
        "auditor": auditor,
        "leader": world.leader.user,
        "team": world.experts[1].user,
        "member_not_on_team": world.experts[2].user,
        "conflicted": world.conflicted.user,
        "unassigned": expert_for(world.staff, name="局外专家").user,
        "agency": world.staff,
        "other_agency": agency_account_create(
            actor=office,
            agency=other_agency,
            username="other_agency",
            email="other_agency@example.invalid",
            display_name="另一机构职员",
        ),
        "working_group": working_group,
        "applicant": applicant,
        "other_applicant": other_applicant,
        "anonymous": None,
    }


VISIT_STATUS = {
    "office": 200,
    "auditor": 200,
    "leader": 200,
    "team": 200,
    "member_not_on_team": 404,
    "conflicted": 404,
    "unassigned": 404,
    "agency": 404,
    "other_agency": 404,
    "working_group": 404,
    "applicant": 404,
    "other_applicant": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("who", "status"), VISIT_STATUS.items())
def test_visit_pages_by_persona(world, personas, client, who, status):
    visit = schedule(world)
    finding = finding_record(
        actor=world.leader.user,
        visit=visit,
        criterion=visit.items_to_verify.first(),
        status="not_verified",
        note="未能提供原始记录",
        upload=SimpleUploadedFile("记录.pdf", pdf_bytes(), "application/pdf"),
    )
    user = personas[who]
    if user is not None:
        client.force_login(user)
    urls = [
        reverse("review:visit", args=[visit.stage_id, world.dossier.pk]),
        reverse("review:finding-attachment", args=[finding.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        if response.streaming:  # read to the end, as a browser would; the client closes it
            b"".join(response.streaming_content)
        else:
            body = response.content.decode()
            assert (PLACE in body) == (status == 200 and "visit" in url)
    listing = client.get(reverse("review:visits", args=[visit.stage_id]))
    if status == 200:
        assert world.dossier.number in listing.content.decode()
    elif who == "agency":
        # the engaged agency organises the review: it sees the list of visits, with no
        # link to a visit's findings
        text = listing.content.decode()
        assert listing.status_code == 200 and world.dossier.number in text
        assert urls[0] not in text
    else:
        assert listing.status_code in (302, 404)
        assert world.dossier.number not in listing.content.decode()
    downloads = AuditEvent.objects.filter(action=Action.FILE_DOWNLOADED).count()
    assert downloads == (1 if status == 200 else 0)


def test_the_page_of_a_stage_that_is_not_on_site_is_a_404(world, client, office):
    client.force_login(office)
    url = reverse("review:visit", args=[world.stages["material"].pk, world.dossier.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("review:visit", args=[world.stages["onsite"].pk, 10**17])).status_code
        == 404
    )
