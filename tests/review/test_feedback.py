"""The feedback report (Art. 26): computed from the panels' stored results, frozen when
the office releases it, an official PDF for the applicant; never an expert's name."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from applications.enums import DossierState
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.documents.models import OfficialDocument
from award_portal.notifications.models import Notification, OutboxMessage
from review.models import FeedbackReport, PanelComment
from review.services.feedback import feedback_content, feedback_release, feedback_release_all
from tests.factories.review_followup import concluded, flat, start

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# the last stage's percentages per item, and the bands they must give (hand computed):
# 4.1 all 60 -> 60 % -> 50–65; 4.2 (40×20 + 50×30)/90 = 25.6 % -> 25 -> 10–25;
# 4.3 (40×40 + 50×25)/90 = 31.7 % -> 30 -> 30–45; 4.4 (60×70 + 70×90)/130 = 80.8 % -> 80
# -> 70–85; 4.5 (50×25 + 50×30)/100 = 27.5 % -> rounds half up to 30 -> 30–45 (not
# 10–25); 4.6 all 5 -> 0–5; 4.7 all 95 -> 90–100. Total 66 + 23 + 28.5 + 105 + 27.5 + 4
# + 380 = 634 -> 551–650 优秀.
PERCENTS = {
    "4.2.2": 20,
    "4.2.3": 30,
    "4.3.2": 40,
    "4.3.3": 25,
    "4.4.2": 70,
    "4.5.2": 25,
    "4.5.3": 30,
}
BY_CATEGORY = {"4.1": 60, "4.4": 90, "4.6": 5, "4.7": 95}
BANDS = {
    "4.1": (50, 65),
    "4.2": (10, 25),
    "4.3": (30, 45),
    "4.4": (70, 85),
    "4.5": (30, 45),
    "4.6": (0, 5),
    "4.7": (90, 100),
}


def last_stage_percent(item) -> int:
    return PERCENTS.get(item.code) or BY_CATEGORY[item.code.rsplit(".", 1)[0]]


@pytest.fixture
def world(office, cycle, applicant, org_dossier):
    return concluded(office, cycle, applicant, org_dossier, last_percent_of=last_stage_percent)


def pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_content_has_bands_from_the_last_stage_and_comments_of_every_stage(world):
    assert world.dossier.state == DossierState.REVIEWED
    content = feedback_content(world.dossier)
    bands = {c["code"]: (c["band"]["low"], c["band"]["high"]) for c in content["categories"]}
    assert bands == BANDS
    assert content["maturity"]["label_zh"] == "优秀"
    assert (content["maturity"]["low"], content["maturity"]["high"]) == (551, 650)
    assert content["basis"]["stage"] == "defence"
    leadership = content["categories"][0]
    assert [c["stage"] for c in leadership["comments"]] == ["material", "onsite", "defence"]
    assert leadership["comments"][1]["strengths"] == "现场评审：4.1方法系统、展开充分"
    text = json.dumps(content, ensure_ascii=False)
    for expert in world.experts:
        assert expert.name not in text
    assert "个人意见" not in text  # the members' own sheets stay with the panel
    assert "634" not in text  # bands, not scores


def test_an_individual_gets_the_rubric_bands_and_no_maturity(
    office, cycle, person_user, person_dossier
):
    world = concluded(office, cycle, person_user, person_dossier, last_percent_of=flat(70))
    content = feedback_content(world.dossier)
    assert [c["name_zh"] for c in content["categories"]] == ["基本素质", "能力水平", "成果影响"]
    assert {(c["band"]["low"], c["band"]["high"]) for c in content["categories"]} == {(70, 85)}
    assert content["maturity"] is None


def test_release_freezes_issues_a_document_and_tells_the_people(world, office, applicant):
    report = feedback_release(actor=office, dossier=world.dossier)
    assert report.content == feedback_content(world.dossier)
    assert report.document.kind == "review_feedback"
    assert report.document.number.startswith("二市监质奖〔2026〕")
    assert report.document.title == "专家评审反馈报告"
    event = AuditEvent.objects.get(action=Action.FEEDBACK_RELEASED)
    assert (event.actor, event.target_id) == (office, str(world.dossier.pk))
    assert event.details["document"] == report.document.number
    page = reverse("review:applicant-review", args=[world.dossier.pk])
    told = Notification.objects.get(user=applicant, url=page)
    assert OutboxMessage.objects.filter(to=[applicant.email], subject=told.title).exists()
    asked = Notification.objects.get(
        user=world.leader.user, url=reverse("review:rate", args=[world.dossier.pk])
    )
    assert world.dossier.number in asked.title
    # a later change to a stored comment does not change what was released
    PanelComment.objects.update(strengths="事后改写的内容")
    report.refresh_from_db()
    assert "事后改写的内容" not in json.dumps(report.content, ensure_ascii=False)


def test_release_before_the_review_concluded_is_refused(office, cycle, applicant, org_dossier):
    world = start(office, cycle, applicant, org_dossier)
    with pytest.raises(ValidationError, match="尚未结束"):
        feedback_release(actor=office, dossier=world.dossier)
    assert not FeedbackReport.objects.exists()
    assert not OfficialDocument.objects.filter(kind="review_feedback").exists()
    assert not AuditEvent.objects.filter(action=Action.FEEDBACK_RELEASED).exists()


def test_release_once_and_by_the_office_only(world, office, auditor, applicant):
    for actor in (auditor, applicant, world.staff, world.leader.user):
        with pytest.raises(PermissionDenied):
            feedback_release(actor=actor, dossier=world.dossier)
    assert not FeedbackReport.objects.exists()
    released, problems = feedback_release_all(actor=office, cycle=world.cycle)
    assert [r.dossier for r in released] == [world.dossier] and problems == []
    with pytest.raises(ValidationError, match="已发布"):
        feedback_release(actor=office, dossier=world.dossier)
    assert feedback_release_all(actor=office, cycle=world.cycle) == ([], [])
    assert FeedbackReport.objects.count() == 1
    assert OfficialDocument.objects.filter(kind="review_feedback").count() == 1


def test_the_office_releases_on_the_page(world, office, client):
    client.force_login(office)
    url = reverse("review:feedback-release", args=[world.cycle.pk])
    page = client.get(url)
    assert page.status_code == 200 and world.dossier.number in page.content.decode()
    assert client.post(url, {"dossier": world.dossier.pk}).status_code == 302
    report = FeedbackReport.objects.get()
    listing = client.get(url).content.decode()
    assert report.document.number in listing
    # a second click on a stale page: refused with a message, nothing new
    client.post(url, {"dossier": world.dossier.pk})
    assert FeedbackReport.objects.count() == 1
    assert client.post(url, {"dossier": 10**17}).status_code == 404


def test_the_pdf_is_the_letter_with_categories_and_strengths_and_no_expert(
    world, office, applicant, client
):
    feedback_release(actor=office, dossier=world.dossier)
    client.force_login(applicant)
    response = client.get(reverse("review:feedback-pdf", args=[world.dossier.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response)
    compact = "".join(text.split())
    for name in ("领导", "战略", "顾客与市场", "资源", "过程管理", "测量、分析与改进", "结果"):
        assert name in compact
    assert "陈述答辩：4.7方法系统、展开充分" in compact
    assert "优秀" in compact and "50%–65%" in compact
    assert "二〇二六年六月二日" in compact  # the date of an official document
    for expert in world.experts:
        assert expert.name not in compact
    assert "个人意见" not in compact
    event = AuditEvent.objects.get(action=Action.FILE_DOWNLOADED)
    assert (event.actor, event.details["kind"]) == (applicant, "review_feedback")


@pytest.fixture
def personas(world, office, auditor, working_group, applicant, other_applicant):
    return {
        "office": office,
        "auditor": auditor,
        "agency": world.staff,
        "leader": world.leader.user,
        "expert": world.experts[1].user,
        "working_group": working_group,
        "applicant": applicant,
        "other_applicant": other_applicant,
        "anonymous": None,
    }


READERS = {"office", "auditor", "applicant"}


@pytest.mark.parametrize(
    "who",
    [
        "office",
        "auditor",
        "agency",
        "leader",
        "expert",
        "working_group",
        "applicant",
        "other_applicant",
        "anonymous",
    ],
)
def test_the_review_page_and_the_pdf_by_persona(world, personas, office, client, who):
    feedback_release(actor=office, dossier=world.dossier)
    user = personas[who]
    if user is not None:
        client.force_login(user)
    downloads = AuditEvent.objects.filter(action=Action.FILE_DOWNLOADED)
    for name in ("review:applicant-review", "review:feedback-pdf"):
        response = client.get(reverse(name, args=[world.dossier.pk]))
        expected = 200 if who in READERS else (302 if user is None else 404)
        assert response.status_code == expected, name
        if expected != 200:
            assert "方法系统、展开充分" not in response.content.decode(errors="ignore")
    assert downloads.count() == (1 if who in READERS else 0)
    release = client.get(reverse("review:feedback-release", args=[world.cycle.pk]))
    assert release.status_code == (
        200 if who in ("office", "auditor") else 302 if user is None else 404
    )
