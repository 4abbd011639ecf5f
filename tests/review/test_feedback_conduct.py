"""Two-way conduct feedback (Art. 26): the applicant rates each panel that reviewed it,
the panel leader rates the applicant; a reported misconduct opens a case the office
closes with its outcome. Only the office and the auditor read any of it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.notifications.models import Notification
from review.enums import CaseState, RatingDirection
from review.models import ConductRating, MisconductCase
from review.services.feedback import case_close, conduct_rate, feedback_release
from tests.factories.review_followup import concluded

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

REPORT = "评审期间有专家暗示需要安排宴请"


@pytest.fixture
def world(office, cycle, applicant, org_dossier):
    return concluded(office, cycle, applicant, org_dossier)


def rate(world, actor, panel=None, **fields):
    values = {"timeliness": 5, "confidentiality": 4, "integrity": 5, "comments": "守时、规范"}
    values.update(fields)
    return conduct_rate(
        actor=actor, dossier=world.dossier, panel=panel or world.panels["onsite"], **values
    )


def test_the_applicant_rates_each_panel_once(world, applicant):
    rating = rate(world, applicant)
    assert rating.direction == RatingDirection.ON_PANEL and rating.rated_by == applicant
    event = AuditEvent.objects.get(action=Action.CONDUCT_RATED)
    assert (event.actor, event.target_id) == (applicant, str(world.dossier.pk))
    assert event.details["misconduct"] is False
    with pytest.raises(ValidationError, match="已"):
        rate(world, applicant, timeliness=1)
    assert ConductRating.objects.get().timeliness == 5
    rate(world, applicant, panel=world.panels["defence"])
    assert ConductRating.objects.count() == 2


def test_the_leader_rates_the_applicant_and_a_member_cannot(world):
    rating = rate(world, world.leader.user)
    assert rating.direction == RatingDirection.ON_APPLICANT
    with pytest.raises(PermissionDenied):
        rate(world, world.experts[1].user, panel=world.panels["material"])
    assert ConductRating.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"), [("timeliness", 0), ("integrity", 6), ("confidentiality", "x")]
)
def test_a_score_outside_one_to_five_is_refused(world, applicant, field, value):
    with pytest.raises(ValidationError, match="1"):
        rate(world, applicant, **{field: value})
    assert not ConductRating.objects.exists()


def test_ratings_open_only_when_the_review_concluded(office, cycle, applicant, org_dossier):
    from tests.factories.review_followup import run_stage, start

    world = start(office, cycle, applicant, org_dossier)
    run_stage(office, world, "material")
    panel = world.panels["material"]
    with pytest.raises(ValidationError, match="结束"):
        conduct_rate(
            actor=applicant,
            dossier=world.dossier,
            panel=panel,
            timeliness=5,
            confidentiality=5,
            integrity=5,
        )
    assert not ConductRating.objects.exists()


def test_misconduct_needs_a_report_and_opens_a_case_for_the_office(world, applicant, office):
    with pytest.raises(ValidationError, match="经过"):
        rate(world, applicant, integrity=1, misconduct=True, misconduct_report="  ")
    assert not ConductRating.objects.exists() and not MisconductCase.objects.exists()
    rating = rate(world, applicant, integrity=1, misconduct=True, misconduct_report=REPORT)
    case = MisconductCase.objects.get()
    assert case.rating == rating and case.state == CaseState.OPEN
    assert AuditEvent.objects.get(action=Action.CONDUCT_RATED).details["case"] == case.pk
    told = Notification.objects.get(user=office, url=reverse("review:case", args=[case.pk]))
    assert world.dossier.number in told.title


def test_the_office_closes_the_case_with_its_outcome(world, applicant, office, auditor):
    rate(world, applicant, integrity=1, misconduct=True, misconduct_report=REPORT)
    case = MisconductCase.objects.get()
    for actor in (auditor, applicant, world.staff):
        with pytest.raises(PermissionDenied):
            case_close(actor=actor, case=case, outcome="已处理")
    with pytest.raises(ValidationError):
        case_close(actor=office, case=case, outcome="   ")
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    case_close(actor=office, case=case, outcome="经核查，相关专家已被移出专家库并通报评审机构。")
    case.refresh_from_db()
    assert (case.state, case.closed_by) == (CaseState.CLOSED, office)
    event = AuditEvent.objects.get(action=Action.MISCONDUCT_CLOSED)
    assert (event.actor, event.target_id) == (office, str(world.dossier.pk))
    # the reporter learns the case is closed, not what was decided about somebody else
    told = Notification.objects.filter(user=applicant).order_by("id").last()
    assert "移出专家库" not in told.body
    with pytest.raises(ValidationError):
        case_close(actor=office, case=case, outcome="再次关闭")


def test_the_applicant_rates_on_its_review_page(world, applicant, office, client):
    feedback_release(actor=office, dossier=world.dossier)
    client.force_login(applicant)
    page = client.get(reverse("review:applicant-review", args=[world.dossier.pk]))
    body = page.content.decode()
    assert world.panels["material"].name in body and world.leader.name not in body
    prefix = f"p{world.panels['material'].pk}"
    url = reverse("review:rate", args=[world.dossier.pk])
    data = {
        "panel": world.panels["material"].pk,
        f"{prefix}-timeliness": "4",
        f"{prefix}-confidentiality": "5",
        f"{prefix}-integrity": "2",
        f"{prefix}-misconduct": "on",
        f"{prefix}-misconduct_report": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "经过" in refused.content.decode()
    assert not ConductRating.objects.exists()
    data[f"{prefix}-misconduct_report"] = REPORT
    assert client.post(url, data).status_code == 302
    assert MisconductCase.objects.filter(rating__integrity=2).exists()
    # a panel that did not review the dossier is not found
    assert client.post(url, {**data, "panel": 10**17}).status_code == 404


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


CONDUCT_STATUS = {
    "office": 200,
    "auditor": 200,
    "agency": 403,
    "leader": 403,
    "expert": 403,
    "working_group": 403,
    "applicant": 403,
    "other_applicant": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize(("who", "status"), CONDUCT_STATUS.items())
def test_ratings_and_cases_are_for_the_office_and_the_auditor(world, personas, client, who, status):
    rate(world, personas["applicant"], misconduct=True, misconduct_report=REPORT)
    rate(world, world.leader.user, comments="申报单位积极配合")
    case = MisconductCase.objects.get()
    user = personas[who]
    if user is not None:
        client.force_login(user)
    listing = client.get(reverse("review:conduct"))
    assert listing.status_code == status
    case_page = client.get(reverse("review:case", args=[case.pk]))
    assert case_page.status_code == (status if status != 403 else 404)
    for response in (listing, case_page):
        body = response.content.decode()
        if response.status_code == 200:
            assert world.dossier.number in body
        else:
            assert REPORT not in body and "申报单位积极配合" not in body
    if who == "office":
        assert 'name="outcome"' in case_page.content.decode()
    if who == "auditor":
        assert 'name="outcome"' not in case_page.content.decode()
        assert (
            client.post(reverse("review:case", args=[case.pk]), {"outcome": "x"}).status_code == 403
        )
        case.refresh_from_db()
        assert case.state == CaseState.OPEN


def test_the_leader_rates_on_a_page_the_applicant_never_sees(world, applicant, client):
    url = reverse("review:rate", args=[world.dossier.pk])
    rate(world, applicant, comments="组长未按时到场")
    client.force_login(world.leader.user)
    page = client.get(url)
    assert page.status_code == 200
    assert "组长未按时到场" not in page.content.decode()  # the applicant's rating of the panel
    client.force_login(world.experts[1].user)
    assert client.get(url).status_code == 404
    client.force_login(applicant)
    assert client.get(url).status_code == 302  # to its own review page
